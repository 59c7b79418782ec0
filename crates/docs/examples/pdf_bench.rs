//! PDF timings for BENCHMARKS.md: one 评审表 of a full dossier, one certificate, and a
//! meeting's bundle of N 评审表 written one at a time into a zip (peak memory reported).
//!
//! `cargo run --release -p zc-docs --example pdf_bench -- 1000`

use std::{io::Write, time::Instant};

use zc_docs::pdf::{
    certificate::{CertificateDoc, Seal, certificate},
    form::{FormDoc, FormSection, form},
};

fn dossier(i: usize, photo: &[u8]) -> FormDoc<'_> {
    let summary: Vec<String> = (0..12)
        .map(|p| format!("第{p}段：主持广西某高速公路桥梁工程的结构设计与施工技术管理，解决了大跨径连续刚构桥的线形控制问题，形成企业工法一项。").repeat(3))
        .collect();
    FormDoc {
        title: "专业技术资格评审表",
        copy_no: format!("{i:06}"),
        head: vec![
            ("姓名".into(), format!("申报人{i}")),
            ("证件号码".into(), "4501**********1234".into()),
            ("工作单位".into(), "广西壮美建设工程有限公司".into()),
            ("申报类型".into(), "职称评审".into()),
            ("申报资格".into(), "工程 · 高级工程师（副高级）".into()),
            ("申报年度".into(), "2026".into()),
        ],
        sections: vec![
            FormSection::Pairs {
                title: "1 基本信息".into(),
                pairs: (0..14)
                    .map(|k| (format!("项目{k}"), "广西壮族自治区南宁市".into()))
                    .collect(),
            },
            FormSection::Table {
                title: "2 学历情况".into(),
                headers: ["起止时间", "学校", "专业", "学历"]
                    .map(String::from)
                    .to_vec(),
                rows: (0..3)
                    .map(|k| {
                        vec![
                            format!("200{k}-09至200{}-07", k + 4),
                            "广西大学".into(),
                            "土木工程".into(),
                            "本科".into(),
                        ]
                    })
                    .collect(),
            },
            FormSection::Table {
                title: "5 工作经历".into(),
                headers: ["起止时间", "单位", "职务"].map(String::from).to_vec(),
                rows: (0..12)
                    .map(|k| {
                        vec![
                            format!("20{:02}-2026", 8 + k),
                            "广西建工集团".into(),
                            "项目技术负责人".into(),
                        ]
                    })
                    .collect(),
            },
            FormSection::Table {
                title: "8 业绩成果".into(),
                headers: ["时间", "项目名称", "本人作用", "效果"]
                    .map(String::from)
                    .to_vec(),
                rows: (0..10)
                    .map(|k| {
                        vec![
                            format!("20{:02}", 12 + k),
                            "南宁至百色高速公路第三合同段桥梁工程".into(),
                            "技术负责人".into(),
                            "获自治区优质工程奖".into(),
                        ]
                    })
                    .collect(),
            },
            FormSection::Text {
                title: "11 专业技术工作总结".into(),
                paragraphs: summary,
            },
        ],
        photo: Some(photo),
        signatures: [
            "申报人承诺",
            "单位意见",
            "主管部门意见",
            "评审委员会意见",
            "职改办意见",
        ]
        .map(String::from)
        .to_vec(),
        generated_on: "2026年12月2日",
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let photo = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/photo.jpg")).unwrap();
    // The first render pays for parsing the font; report it apart.
    let t = Instant::now();
    let first = form(&dossier(0, &photo)).unwrap();
    let cold = t.elapsed().as_secs_f64() * 1000.0;

    let forms: Vec<f64> = (0..20)
        .map(|i| {
            let t = Instant::now();
            form(&dossier(i, &photo)).unwrap();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let qr = zc_docs::qr::svg(
        "https://zc.gxrs.gov.cn/verify/t/0123456789abcdef0123456789abcdef#ZC1.cs-20261202-a1b2.eyJuIjoiMjAyNjQ1MDEwMDAwMDE3IiwiaCI6IuW8oCrkuIkiLCJ0Ijoi5bel56iL5biIIiwibCI6IuS4ree6pyIsInciOiLor4TlrqEiLCJvIjoi5bm_6KW_5aOu5peP6Ieq5rK75Yy66IGM56ew5pS56Z2p5bel5L2c6aKG5a-85bCP57uE5Yqe5YWs5a6kIiwiZCI6IjIwMjYtMTItMDIiLCJzIjoi5pyJ5pWIIn0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        240,
    )
    .unwrap();
    let certs: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            certificate(&CertificateDoc {
                number: "202645010000017",
                holder_name: "张三",
                id_number_masked: "4501**********1234",
                unit_name: "广西壮美建设工程有限公司",
                series_name: "工程",
                qualification: "高级工程师（副高级）",
                way: "评审",
                committee_name: "广西工程系列高级职称评审委员会",
                doc_number: "桂职改〔2026〕12号",
                issued_on: "2026年12月2日",
                office_name: "广西壮族自治区职称改革工作领导小组办公室",
                status_note: "",
                photo: Some(&photo),
                seal: Seal::Drawn,
                qr_svg: &qr,
                verify_url: "https://zc.gxrs.gov.cn/verify/t/0123",
            })
            .unwrap();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();

    let dir = std::env::temp_dir().join("zc-pdf-bench.zip");
    let file = std::fs::File::create(&dir).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let t = Instant::now();
    for i in 0..n {
        let bytes = form(&dossier(i, &photo)).unwrap();
        zip.start_file(
            format!("{i:06}.pdf"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap();
    let bundle = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(&dir).map(|m| m.len()).unwrap_or(0);
    let _ = std::fs::remove_file(&dir);

    println!(
        "评审表 PDF: first {cold:.0} ms (font load), then median {:.1} ms, {} KB, {} pages",
        median(forms),
        first.len() / 1024,
        lopdf_pages(&first)
    );
    println!("证书 PDF: median {:.1} ms", median(certs));
    println!(
        "bundle of {n} 评审表: {bundle:.1} s ({:.1} ms each), zip {} MB, peak RSS {} MiB",
        bundle * 1000.0 / n as f64,
        size / 1_048_576,
        peak_rss_kib() / 1024
    );
}

fn lopdf_pages(pdf: &[u8]) -> usize {
    // typst writes pages inside compressed object streams, so ask a PDF parser.
    lopdf::Document::load_mem(pdf).map_or(0, |d| d.get_pages().len())
}
