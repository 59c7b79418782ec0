// zhicheng — small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // 适老化: switch at once and remember it in a cookie; the form post is the fallback.
  function setupCareSwitch(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var root = document.documentElement;
      var on = !root.classList.contains("care");
      root.classList.toggle("care", on);
      var secure = location.protocol === "https:" ? "; Secure" : "";
      document.cookie = "zc_care=" + (on ? "1" : "0") + "; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
      var button = form.querySelector("button");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      var state = form.querySelector(".care-state");
      if (state) { state.textContent = on ? "（已开启）" : ""; }
      var field = form.querySelector("input[name=on]");
      if (field) { field.value = on ? "0" : "1"; }
    });
  }

  // Selects that change a list (page size, year) submit their form.
  function setupAutosubmit(select) {
    select.addEventListener("change", function () {
      if (select.form) { select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit(); }
    });
  }

  // Confirmation dialogs open only after a click; without script the link jumps to the
  // fallback section that asks the same question.
  function setupDialogOpener(link) {
    var dialog = document.getElementById(link.getAttribute("data-open-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();
    });
  }

  function setupConfirm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  }

  // "当前已输入N个字符，您还可以输入M个字符" under limited text areas; over the limit it says
  // by how much, since the summary box (data-max) lets a person paste more and cut later
  // instead of silently dropping the end.
  function showCount(out, n, max) {
    var over = n > max;
    out.classList.toggle("over", over);
    out.textContent = over
      ? "当前已输入" + n + "个字符，已超出" + (n - max) + "个字符，请删减后保存"
      : "当前已输入" + n + "个字符，您还可以输入" + (max - n) + "个字符";
  }

  function setupCounter(area) {
    var max = parseInt(area.getAttribute("maxlength") || area.getAttribute("data-max"), 10);
    if (!max) { return; }
    var out = document.createElement("p");
    out.className = "counter";
    out.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", out);
    function update() {
      showCount(out, Array.from(area.value).length, max);
    }
    area.addEventListener("input", update);
    update();
  }

  // Two minutes before the idle timeout, say so and offer to stay signed in (WCAG 2.2.1).
  function setupIdleWarning() {
    var meta = document.querySelector("meta[name=session-idle-seconds]");
    var banner = document.getElementById("idle-warning");
    if (!meta || !banner) { return; }
    var idle = parseInt(meta.getAttribute("content"), 10);
    if (!idle || idle <= 150) { return; }
    var timer;
    function arm() {
      clearTimeout(timer);
      timer = setTimeout(function () { banner.hidden = false; }, (idle - 120) * 1000);
    }
    var button = banner.querySelector("[data-keepalive]");
    button.addEventListener("click", function () {
      fetch("/session/keepalive", { credentials: "same-origin" }).then(function (res) {
        if (res.status === 204) { banner.hidden = true; arm(); } else { location.href = "/login"; }
      });
    });
    arm();
  }

  // 单位名称联想: suggestions while typing, each one a form that chooses the unit; the
  // search button and the result table are the fallback.
  function setupUnitSuggest(input) {
    var list = document.getElementById("unit-suggestions");
    var status = document.getElementById("unit-suggest-status");
    var token = document.querySelector("meta[name=csrf-token]");
    if (!list || !status || !token || !window.fetch) { return; }
    var timer = null;
    var latest = "";
    function choiceForm(unit) {
      var form = document.createElement("form");
      form.method = "post";
      form.action = "/my/unit";
      [["_csrf", token.content], ["unit_id", String(unit.id)], ["q", input.value]].forEach(function (pair) {
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = pair[0];
        field.value = pair[1];
        form.appendChild(field);
      });
      var button = document.createElement("button");
      button.type = "submit";
      button.className = "suggestion";
      button.textContent = unit.name + "（" + unit.region + "）";
      form.appendChild(button);
      var item = document.createElement("li");
      item.appendChild(form);
      return item;
    }
    function show(data, keyword) {
      if (keyword !== latest) { return; }
      while (list.firstChild) { list.removeChild(list.firstChild); }
      data.units.forEach(function (unit) { list.appendChild(choiceForm(unit)); });
      list.hidden = data.units.length === 0;
      if (data.total === 0) {
        status.textContent = "没有找到名称包含“" + keyword + "”的已审核单位";
      } else if (data.total > data.units.length) {
        status.textContent = "共" + data.total + "个单位，显示前" + data.units.length + "个，点选即可；或继续输入缩小范围";
      } else {
        status.textContent = "找到" + data.total + "个单位，点选即可";
      }
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var keyword = input.value.trim();
      latest = keyword;
      if (keyword.length === 0) { list.hidden = true; status.textContent = ""; return; }
      timer = setTimeout(function () {
        fetch("/my/unit/suggest?q=" + encodeURIComponent(keyword), { credentials: "same-origin" })
          .then(function (res) { return res.ok ? res.json() : null; })
          .then(function (data) { if (data) { show(data, keyword); } })
          .catch(function () { /* the search button still works */ });
      }, 250);
    });
  }

  // 二寸照片裁剪: drag the frame, change its size; the hidden fields carry the frame in
  // the stored picture's pixels. Without script the centred frame is used.
  function setupCrop(svg) {
    var form = document.getElementById("crop-form");
    var rect = svg.querySelector("rect");
    var zoom = document.getElementById("crop-zoom");
    if (!form || !rect || !zoom) { return; }
    var W = parseFloat(svg.getAttribute("data-width"));
    var H = parseFloat(svg.getAttribute("data-height"));
    var ratio = 579 / 413;
    var frame = {
      x: parseFloat(rect.getAttribute("x")), y: parseFloat(rect.getAttribute("y")),
      w: parseFloat(rect.getAttribute("width")), h: parseFloat(rect.getAttribute("height"))
    };
    var full = { w: frame.w, h: frame.h };
    function put() {
      frame.x = Math.max(0, Math.min(W - frame.w, frame.x));
      frame.y = Math.max(0, Math.min(H - frame.h, frame.y));
      ["x", "y", "w", "h"].forEach(function (k) {
        var v = Math.round(frame[k]);
        rect.setAttribute(k === "w" ? "width" : k === "h" ? "height" : k, v);
        form.elements[k].value = v;
      });
    }
    zoom.closest(".crop-zoom").hidden = false;
    zoom.addEventListener("input", function () {
      var cx = frame.x + frame.w / 2, cy = frame.y + frame.h / 2;
      frame.w = full.w * zoom.value / 100;
      frame.h = frame.w * ratio;
      frame.x = cx - frame.w / 2;
      frame.y = cy - frame.h / 2;
      put();
    });
    var start = null;
    function scale() { return W / svg.getBoundingClientRect().width; }
    svg.addEventListener("pointerdown", function (e) {
      start = { px: e.clientX, py: e.clientY, x: frame.x, y: frame.y };
      svg.setPointerCapture(e.pointerId);
    });
    svg.addEventListener("pointermove", function (e) {
      if (!start) { return; }
      frame.x = start.x + (e.clientX - start.px) * scale();
      frame.y = start.y + (e.clientY - start.py) * scale();
      put();
    });
    svg.addEventListener("pointerup", function () { start = null; });
    zoom.addEventListener("keydown", function (e) {
      var step = W / 50;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (!moves[e.key] || !e.altKey) { return; }
      e.preventDefault();
      frame.x += moves[e.key][0];
      frame.y += moves[e.key][1];
      put();
    });
  }

  // Large photos are scaled down in the browser before sending (the server normalises
  // every upload anyway); without canvas support the original is sent.
  function setupDownscale(form) {
    var input = form.querySelector("input[type=file]");
    if (!input || !window.DataTransfer || !window.createImageBitmap) { return; }
    form.addEventListener("submit", function (event) {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.some(function (f) { return f.size > 2 * 1024 * 1024; })) { return; }
      event.preventDefault();
      Promise.all(files.map(function (f) {
        if (f.size <= 2 * 1024 * 1024) { return Promise.resolve(f); }
        return createImageBitmap(f).then(function (bmp) {
          var k = Math.min(1, 2400 / Math.max(bmp.width, bmp.height));
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(bmp.width * k);
          canvas.height = Math.round(bmp.height * k);
          canvas.getContext("2d").drawImage(bmp, 0, 0, canvas.width, canvas.height);
          return new Promise(function (resolve) {
            canvas.toBlob(function (blob) {
              resolve(blob ? new File([blob], f.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }) : f);
            }, "image/jpeg", 0.9);
          });
        }).catch(function () { return f; });
      })).then(function (ready) {
        var dt = new DataTransfer();
        ready.forEach(function (f) { dt.items.add(f); });
        input.files = dt.files;
        form.submit();
      });
    });
  }

  // 自动保存: a few seconds after the last change the form is saved as a draft and the
  // time is shown; the save button stays for those without script. A refused draft
  // (a half-typed date, say) is simply not saved yet. Leaving the page (another section,
  // the menu) saves at once what the timer had not yet saved, and a draft the server
  // refused makes the browser ask before leaving, so a half-typed row is never lost.
  function setupAutosave(form) {
    if (!window.fetch || !window.URLSearchParams) { return; }
    var status = document.createElement("p");
    status.className = "autosave-status hint";
    status.setAttribute("aria-live", "polite");
    form.appendChild(status);
    var timer = null;
    var unsaved = false;
    var refused = false;
    function save(leaving) {
      clearTimeout(timer);
      var body = new URLSearchParams(new FormData(form));
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        keepalive: !!leaving,
        headers: { "X-Autosave": "1", "Content-Type": "application/x-www-form-urlencoded" },
        body: body
      }).then(function (res) {
        refused = false;
        if (res.status === 204) {
          unsaved = false;
          status.textContent = "已自动保存 " + (res.headers.get("X-Saved-At") || "");
          // A new row saved as a draft: later saves (and the button) update that row.
          var index = res.headers.get("X-Row-Index");
          if (index !== null && !form.elements.row) {
            var field = document.createElement("input");
            field.type = "hidden";
            field.name = "row";
            field.value = index;
            form.appendChild(field);
          }
        } else if (res.status === 422) {
          refused = true;
          status.textContent = "有内容格式不正确，暂未自动保存，请检查后点“保存”";
        } else if (res.status === 303 || res.redirected || res.status === 401) {
          status.textContent = "登录已超时，请点“保存”，登录后可继续保存本页内容";
        }
      }).catch(function () {
        status.textContent = "网络中断，暂未自动保存";
      });
    }
    function changed() {
      clearTimeout(timer);
      unsaved = true;
      status.textContent = "正在编辑…";
      timer = setTimeout(save, 3000);
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      unsaved = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (unsaved && refused) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    window.addEventListener("pagehide", function () {
      if (unsaved && !refused) { save(true); }
    });
  }

  // 拖动排序: rows of a table can be dragged into a new order (the ↑/↓ buttons are the
  // keyboard and no-script way); the new order is saved and the page shown again.
  function setupReorder(table) {
    var tbody = table.tBodies[0];
    var token = document.querySelector("meta[name=csrf-token]");
    if (!tbody || !token || !window.fetch) { return; }
    var dragged = null;
    Array.prototype.forEach.call(tbody.rows, function (row) {
      row.draggable = true;
      row.classList.add("draggable");
      row.addEventListener("dragstart", function (e) {
        dragged = row;
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", row.getAttribute("data-index"));
      });
      row.addEventListener("dragover", function (e) {
        if (!dragged || dragged === row) { return; }
        e.preventDefault();
        var box = row.getBoundingClientRect();
        var after = e.clientY > box.top + box.height / 2;
        tbody.insertBefore(dragged, after ? row.nextSibling : row);
      });
      row.addEventListener("dragend", function () {
        if (!dragged) { return; }
        dragged = null;
        var order = Array.prototype.map.call(tbody.rows, function (r) { return r.getAttribute("data-index"); });
        var body = new URLSearchParams();
        body.set("_csrf", token.content);
        body.set("order", order.join(","));
        fetch(table.getAttribute("data-reorder"), { method: "POST", credentials: "same-origin", body: body })
          .then(function () { window.location.reload(); });
      });
    });
  }

  // 富文本: bold, italic, underline and lists for the summary. The text box stays the
  // field that is sent; without script it takes plain paragraphs.
  function setupRichText(area) {
    var source = document.getElementById("summary-html");
    if (!source || typeof document.execCommand !== "function") { return; }
    var max = parseInt(area.getAttribute("data-max"), 10) || 0;
    var bar = document.createElement("div");
    bar.className = "rich-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "格式");
    var editor = document.createElement("div");
    editor.className = "rich-editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.setAttribute("aria-labelledby", area.id + "-label");
    editor.innerHTML = source.innerHTML.trim() || "<p><br></p>";
    [["bold", "加粗"], ["italic", "斜体"], ["underline", "下划线"],
     ["insertUnorderedList", "项目列表"], ["insertOrderedList", "编号列表"]].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-small";
      button.textContent = b[1];
      button.addEventListener("click", function () {
        editor.focus();
        document.execCommand(b[0], false, null);
        sync();
      });
      bar.appendChild(button);
    });
    var counter = area.parentNode.querySelector(".counter");
    function sync() {
      area.value = editor.innerHTML;
      var n = Array.from(editor.innerText.replace(/\s/g, "")).length;
      if (counter && max) { showCount(counter, n, max); }
      area.dispatchEvent(new Event("change", { bubbles: true }));
    }
    area.hidden = true;
    area.parentNode.insertBefore(bar, area);
    area.parentNode.insertBefore(editor, area);
    editor.addEventListener("input", sync);
    sync();
  }

  // A picked return-reason template fills the reason box and ticks its section; the
  // reviewer may still edit the text before sending.
  function setupTemplatePick(select) {
    select.addEventListener("change", function () {
      var box = document.getElementById(select.getAttribute("data-target"));
      if (!box || !select.value) { return; }
      box.value = select.value;
      var item = select.closest(".return-item");
      var tick = item && item.querySelector("input[type=checkbox]");
      if (tick) { tick.checked = true; }
    });
  }

  // 菜单 on phones: the header's tools and the main menu fold behind one button.
  function setupMenuToggle(button) {
    var header = button.closest(".site-header");
    if (!header) { return; }
    document.documentElement.classList.add("has-menu");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = header.classList.toggle("menu-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  document.addEventListener("DOMContentLoaded", function () {
    each("[data-menu-toggle]", setupMenuToggle);
    each("[data-care-switch]", setupCareSwitch);
    each("select[data-autosubmit]", setupAutosubmit);
    each("[data-open-dialog]", setupDialogOpener);
    each("form[data-confirm]", setupConfirm);
    each("select.template-pick", setupTemplatePick);
    each("textarea[data-counter]", setupCounter);
    each("input[data-unit-suggest]", setupUnitSuggest);
    each("svg[data-crop]", setupCrop);
    each("table[data-reorder]", setupReorder);
    each("textarea[data-rich]", setupRichText);
    each("form[data-autosave]", setupAutosave);
    each("form[data-downscale]", setupDownscale);
    each("button[data-print]", function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
    setupIdleWarning();
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
})();
