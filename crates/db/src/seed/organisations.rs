//! Offices (职改办, 主管部门), committees (评审委员会) and demo units (单位).

/// 自治区职改办 — the root office; every other office reports to it.
pub const ROOT_OFFICE: &str = "广西壮族自治区职称改革工作领导小组办公室";
/// 广西流动人员职称改革办公室 — handles people without a state employer (人事代理).
pub const FLOATING_OFFICE: &str = "广西流动人员职称改革办公室";

/// Office kinds as stored in `office.kind`.
pub mod kind {
    pub const REGION_OFFICE: &str = "region_office";
    pub const FLOATING_OFFICE: &str = "floating_office";
    pub const CITY_OFFICE: &str = "city_office";
    pub const DEPARTMENT: &str = "department";
}

/// 主管部门 seeded for the demo: name and region.
pub const DEPARTMENTS: &[&str] = &[
    "广西壮族自治区住房和城乡建设厅",
    "广西壮族自治区卫生健康委员会",
];

/// A committee as seeded: name, office name, series code, level range, charges online.
pub struct CommitteeSeed {
    pub name: &'static str,
    pub office: &'static str,
    pub series: &'static str,
    pub level_min: i32,
    pub level_max: i32,
    pub charges_online: bool,
}

/// At least one committee per level for 工程 and 卫生.
pub const COMMITTEES: &[CommitteeSeed] = &[
    CommitteeSeed {
        name: "南宁市工程系列初级职称评审委员会",
        office: "南宁市职称改革工作领导小组办公室",
        series: "gongcheng",
        level_min: 1,
        level_max: 2,
        charges_online: false,
    },
    CommitteeSeed {
        name: "工程系列广西区人才服务办公室中级评审会",
        office: FLOATING_OFFICE,
        series: "gongcheng",
        level_min: 3,
        level_max: 3,
        charges_online: true,
    },
    CommitteeSeed {
        name: "广西工程系列高级工程师职称评审委员会",
        office: ROOT_OFFICE,
        series: "gongcheng",
        level_min: 4,
        level_max: 4,
        charges_online: true,
    },
    CommitteeSeed {
        name: "广西工程系列正高级工程师职称评审委员会",
        office: ROOT_OFFICE,
        series: "gongcheng",
        level_min: 5,
        level_max: 5,
        charges_online: true,
    },
    CommitteeSeed {
        name: "柳州市卫生系列初级职称评审委员会",
        office: "柳州市职称改革工作领导小组办公室",
        series: "weisheng",
        level_min: 1,
        level_max: 2,
        charges_online: false,
    },
    CommitteeSeed {
        name: "广西卫生系列中级职称评审委员会",
        office: ROOT_OFFICE,
        series: "weisheng",
        level_min: 3,
        level_max: 3,
        charges_online: false,
    },
    CommitteeSeed {
        name: "广西卫生系列副高级职称评审委员会",
        office: ROOT_OFFICE,
        series: "weisheng",
        level_min: 4,
        level_max: 4,
        charges_online: true,
    },
    CommitteeSeed {
        name: "广西卫生系列正高级职称评审委员会",
        office: ROOT_OFFICE,
        series: "weisheng",
        level_min: 5,
        level_max: 5,
        charges_online: true,
    },
];

/// A demo unit: name, 统一社会信用代码 (valid GB 32100 check digits), kind, region, office.
pub struct UnitSeed {
    pub name: &'static str,
    pub credit_code: &'static str,
    pub kind: &'static str,
    pub region: &'static str,
    pub office: &'static str,
}

/// Units in different cities, all approved.
pub const UNITS: &[UnitSeed] = &[
    UnitSeed {
        name: "广西壮美建设工程有限公司",
        credit_code: "91450100MA5K3T7Q0Y",
        kind: "企业",
        region: "450103",
        office: "南宁市职称改革工作领导小组办公室",
    },
    UnitSeed {
        name: "广西壮族自治区人民医院（演示）",
        credit_code: "12450000MB1A2C3D4E",
        kind: "事业单位",
        region: "450103",
        office: ROOT_OFFICE,
    },
    UnitSeed {
        name: "柳州龙城机械制造有限公司",
        credit_code: "91450200MA5L8R2X12",
        kind: "企业",
        region: "450204",
        office: "柳州市职称改革工作领导小组办公室",
    },
    UnitSeed {
        name: "桂林山水电子信息科技有限公司",
        credit_code: "91450300MA5N6P4E2D",
        kind: "企业",
        region: "450305",
        office: "桂林市职称改革工作领导小组办公室",
    },
    UnitSeed {
        name: "北海市海洋环境保护协会",
        credit_code: "52450500MJ6H3K1W0M",
        kind: "社会组织",
        region: "450502",
        office: "北海市职称改革工作领导小组办公室",
    },
    // People without an employer (流动人员) pick this entry; the floating-personnel office
    // then does the unit's review itself.
    UnitSeed {
        name: FLOATING_UNIT,
        credit_code: "11450000MB0L1D2Y3D",
        kind: "流动人员",
        region: "450103",
        office: FLOATING_OFFICE,
    },
];

/// The unit entry that stands for 广西流动人员职称改革办公室 acting as the unit of people
/// without an employer.
pub const FLOATING_UNIT: &str = "广西流动人员职称改革办公室（流动人员）";
