//! A complete 职称评审 dossier as a careful applicant types it into the forms (field names
//! as the forms post them). The tests and the load harness both fill dossiers with it, so
//! a form that changes its fields breaks one place, not two.

/// The 基本信息 part.
pub const BASIC_FIELDS: &[(&str, &str)] = &[
    ("gender", "男"),
    ("ethnicity", "壮族"),
    ("native_place", "广西南宁"),
    ("political", "群众"),
    ("identity", "企业人员"),
    ("work_start", "2010-07"),
    ("specialty", "建筑工程"),
    ("apply_way", "正常晋升"),
    ("first_time", "是"),
    ("archive_place", "南宁市人才服务中心"),
    ("contact_phone", "13800771234"),
    ("address", "南宁市青秀区民族大道1号"),
];

/// The rows and parts saved after 基本信息, as `(path under parts/, fields)`.
pub const PARTS: &[(&str, &[(&str, &str)])] = &[
    (
        "education/rows",
        &[
            ("graduated", "2010-07"),
            ("item", "最高学历"),
            ("level", "本科"),
            ("school", "广西大学"),
            ("major", "土木工程"),
            ("form", "全日制"),
            ("years", "4"),
            ("degree", "学士"),
        ],
    ),
    ("exception", &[("exceptional", "否")]),
    (
        "exams",
        &[("language", "不作要求"), ("computer", "不作要求")],
    ),
    (
        "training/rows",
        &[
            ("year", "2025"),
            ("public_required", "30"),
            ("professional", "40.5"),
        ],
    ),
    (
        "resume/rows",
        &[
            ("from", "2010-07"),
            ("employer", "广西壮美建设工程有限公司"),
            ("post", "技术员"),
        ],
    ),
    (
        "experience/rows",
        &[
            ("from", "2015-03"),
            ("to", "2018-06"),
            ("employer", "广西壮美建设工程有限公司"),
            ("content", "南宁某住宅小区主体结构施工技术负责"),
            ("role", "技术负责人"),
        ],
    ),
    (
        "achievements/rows",
        &[
            ("from", "2016-01"),
            ("name", "高层住宅铝模施工工法"),
            ("level", "市厅级"),
            ("rank", "第一"),
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::{BASIC_FIELDS, PARTS};
    use crate::application::sections::{PartData, part, part_missing, values_of};

    #[test]
    fn every_part_of_the_sample_is_complete_by_the_forms_rules() {
        let basic = [("basic", BASIC_FIELDS)];
        for (path, fields) in basic.iter().chain(PARTS) {
            let code = path.trim_end_matches("/rows");
            let (_, spec) = part(code).unwrap_or_else(|| panic!("a part named {code}"));
            let data = if path.ends_with("/rows") {
                PartData::Rows(vec![values_of(fields)])
            } else {
                PartData::Single(values_of(fields))
            };
            assert_eq!(part_missing(spec, &data), Vec::<String>::new(), "{path}");
        }
    }
}
