// 离线查验: checks a certificate seal against the public keys embedded in the page, with
// the browser's own Ed25519 (WebCrypto). Nothing is sent anywhere, so the check works
// after the network is gone. The format is ZC1.<kid>.<payload>.<signature>, the signature
// covering "ZC1.<kid>.<payload>" (see zc-domain certificate_seal).
(function () {
  'use strict';
  var MALFORMED = '这不是本平台证书的签章数据（应以 ZC1. 开头，由四段组成），请完整复制二维码内容';
  var BAD = '签名与证书数据不符：数据可能被改动，或不是本平台签发的证书';
  var NO_CRYPTO = '此浏览器不支持 Ed25519 签名校验，请更新浏览器，或改用在线查验';

  var form = document.getElementById('offline-form');
  if (!form) return;
  var box = document.getElementById('f-seal');
  var error = document.getElementById('seal-error');
  var field = document.getElementById('offline-field');
  var result = document.getElementById('offline-result');
  var ring = JSON.parse(document.getElementById('zc-keys').textContent).keys || [];

  function bytes(b64url) {
    if (!/^[A-Za-z0-9_-]+$/.test(b64url)) throw new Error(MALFORMED);
    var s = b64url.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function parse(text) {
    text = text.trim();
    var hash = text.lastIndexOf('#');
    if (hash >= 0) text = text.slice(hash + 1).trim();
    var parts = text.split('.');
    if (parts.length !== 4 || parts[0] !== 'ZC1' || !/^[A-Za-z0-9-]+$/.test(parts[1])) {
      throw new Error(MALFORMED);
    }
    var sig = bytes(parts[3]);
    if (sig.length !== 64) throw new Error(MALFORMED);
    return { kid: parts[1], signed: parts.slice(0, 3).join('.'), payload: bytes(parts[2]), sig: sig };
  }

  async function verify(text) {
    var p = parse(text);
    var key = ring.filter(function (k) { return k.kid === p.kid; })[0];
    if (!key) throw new Error('签章使用的密钥 ' + p.kid + ' 不在公布的公钥列表中，无法确认真伪');
    if (!window.crypto || !crypto.subtle) throw new Error(NO_CRYPTO);
    var pub;
    try {
      pub = await crypto.subtle.importKey('raw', bytes(key.x), { name: 'Ed25519' }, false, ['verify']);
    } catch (e) {
      throw new Error(NO_CRYPTO);
    }
    var ok = await crypto.subtle.verify({ name: 'Ed25519' }, pub, p.sig, new TextEncoder().encode(p.signed));
    if (!ok) throw new Error(BAD);
    var claims;
    try {
      claims = JSON.parse(new TextDecoder().decode(p.payload));
    } catch (e) {
      throw new Error(MALFORMED);
    }
    claims.kid = p.kid;
    return claims;
  }

  function show(c) {
    var put = function (id, v) { document.getElementById(id).textContent = v || ''; };
    put('offline-number', c.n);
    put('offline-holder', c.h);
    put('offline-title', c.t);
    put('offline-level', c.l);
    put('offline-way', c.w);
    put('offline-office', c.o);
    put('offline-date', c.d);
    put('offline-state', c.s);
    put('offline-kid', c.kid);
    error.hidden = true;
    field.classList.remove('has-error');
    box.removeAttribute('aria-invalid');
    result.hidden = false;
    result.scrollIntoView({ block: 'start' });
  }

  function fail(e) {
    result.hidden = true;
    error.textContent = e && e.message ? e.message : MALFORMED;
    error.hidden = false;
    field.classList.add('has-error');
    box.setAttribute('aria-invalid', 'true');
    box.focus();
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    verify(box.value).then(show, fail);
  });

  // Opened from a QR code's address with the seal after '#': check it at once.
  if (location.hash.length > 1) {
    var fragment = location.hash.slice(1);
    try {
      fragment = decodeURIComponent(fragment);
    } catch (e) {
      // A seal is plain ASCII; a broken escape is checked as it stands.
    }
    box.value = fragment;
    verify(box.value).then(show, fail);
  }
})();
