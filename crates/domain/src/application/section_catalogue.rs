//! 申报表目录 — the sections of the current 职称评审 form (`domain.md` §3.1), their parts,
//! fields and choice lists, as data.

use super::{
    form::{FieldKind as K, FieldSpec as F},
    sections::{PartShape, PartSpec, SectionSpec},
};

const YES_NO: &[&str] = &["是", "否"];
pub(crate) const GENDER: &[&str] = &["男", "女"];
pub(crate) const POLITICAL: &[&str] = &[
    "中共党员",
    "中共预备党员",
    "共青团员",
    "民主党派",
    "无党派人士",
    "群众",
];
pub(crate) const IDENTITY: &[&str] = &[
    "事业单位人员",
    "企业人员",
    "机关人员",
    "社会组织人员",
    "自由职业者/流动人员",
];
const APPLY_WAY: &[&str] = &["正常晋升", "初次认定后晋升", "转系列评审", "破格申报"];
const EDU_ITEM: &[&str] = &["最高学历", "第一学历", "第二学历", "其他学历"];
const EDU_LEVEL: &[&str] = &["中专", "大专", "本科", "硕士研究生", "博士研究生"];
const EDU_FORM: &[&str] = &["全日制", "在职", "函授", "业余", "自学考试", "网络教育"];
const DEGREE: &[&str] = &["无", "学士", "硕士", "博士"];
const QUAL_TYPE: &[&str] = &["职称证书", "职业资格证书", "技能等级证书"];
const EXAM: &[&str] = &["不作要求", "已合格", "免试"];
const PROJECT_LEVEL: &[&str] = &["国家级", "省部级", "市厅级", "县处级", "单位内部"];
const AWARD_LEVEL: &[&str] = &["国家级", "省部级", "市厅级", "县处级", "其他"];
const RANKS: &[&str] = &["第一", "第二", "第三", "第四", "第五", "第五以后"];
const WORK_TYPE: &[&str] = &["论文", "著作", "专利", "标准规范", "研究报告", "其他"];
const AUTHOR_ROLE: &[&str] = &[
    "独著",
    "第一作者",
    "通讯作者",
    "第二作者",
    "第三作者",
    "其他",
];

/// The pledge shown before submission (个人承诺).
pub const PLEDGE: &str = "本人郑重承诺：所填报的信息和提交的材料真实、准确、完整，不存在弄虚作假、\
剽窃他人成果等行为。如有不实，本人愿承担相应责任：经查实提供虚假材料的，按有关规定在一定期限内\
不得申报评审职称；两次申报中被查实学术造假的，终身不得申报。";

/// Every section, in the order of the left-hand list.
pub const SECTIONS: &[SectionSpec] = &[
    SectionSpec {
        code: "basic",
        number: 1,
        title: "基本信息",
        parts: &[PartSpec {
            code: "basic",
            title: "1 基本信息",
            shape: PartShape::Single,
            help: "姓名、证件号码取自您的账号；专业技术工作年限由参加工作时间自动计算。",
            fields: &[
                F::opt("former_name", "曾用名", K::Text { max: 20 }),
                F::req("gender", "性别", K::Choice(GENDER)),
                F::req("ethnicity", "民族", K::Text { max: 10 }),
                F::req("native_place", "籍贯", K::Text { max: 30 }),
                F::req("political", "政治面貌", K::Choice(POLITICAL)),
                F::req("identity", "个人身份性质", K::Choice(IDENTITY)),
                F::req("work_start", "参加工作时间", K::Month),
                F::req("specialty", "拟评专业", K::Text { max: 30 }),
                F::req("apply_way", "申报方式", K::Choice(APPLY_WAY)),
                F::req("first_time", "是否第一次申报", K::Choice(YES_NO)),
                F::opt("times_applied", "曾申报次数", K::Number { min: 0, max: 20 }),
                F::opt("admin_post", "行政职务", K::Text { max: 30 }),
                F::req("archive_place", "档案所在地机构名称", K::Text { max: 60 }),
                F::req("contact_phone", "联系电话", K::Phone),
                F::req("address", "联系地址", K::Text { max: 100 }),
            ],
        }],
    },
    SectionSpec {
        code: "education",
        number: 2,
        title: "学历情况",
        parts: &[PartSpec {
            code: "education",
            title: "2 学历情况",
            shape: PartShape::Rows {
                min_rows: 1,
                max_rows: 10,
            },
            help: "至少填写最高学历；毕业证、学位证请在“其他材料”中上传。",
            fields: &[
                F::req("graduated", "毕业时间", K::Month),
                F::req("item", "学历项目", K::Choice(EDU_ITEM)),
                F::req("level", "学历", K::Choice(EDU_LEVEL)),
                F::req("school", "毕业学校", K::Text { max: 60 }),
                F::req("major", "专业", K::Text { max: 40 }),
                F::req("form", "学习形式", K::Choice(EDU_FORM)),
                F::req("years", "学制（年）", K::Number { min: 1, max: 8 }),
                F::opt("diploma_no", "学历证书编号", K::Text { max: 40 }),
                F::req("degree", "学位", K::Choice(DEGREE)),
                F::opt("degree_no", "学位证书编号", K::Text { max: 40 }),
            ],
        }],
    },
    SectionSpec {
        code: "qualifications",
        number: 3,
        title: "资格证书与破格申报",
        parts: &[
            PartSpec {
                code: "qualifications",
                title: "3-1 现任专业技术资格、职业资格和技能证书",
                shape: PartShape::Rows {
                    min_rows: 0,
                    max_rows: 20,
                },
                help: "初次申报、没有证书的可不填。",
                fields: &[
                    F::req("kind", "资格类型", K::Choice(QUAL_TYPE)),
                    F::req("name", "资格名称", K::Text { max: 40 }),
                    F::opt("major", "专业", K::Text { max: 40 }),
                    F::req("obtained", "取得时间", K::Date),
                    F::req("cert_no", "证书编号", K::Text { max: 40 }),
                    F::req("issuer", "批准机关", K::Text { max: 60 }),
                    F::req("basis", "是否以该资格申报", K::Choice(YES_NO)),
                ],
            },
            PartSpec {
                code: "exception",
                title: "3-2 破格/直接申报",
                shape: PartShape::Single,
                help: "",
                fields: &[
                    F::req("exceptional", "是否申请破格", K::Choice(YES_NO)),
                    F::opt("reason", "破格理由", K::Note { max: 500 }),
                ],
            },
        ],
    },
    SectionSpec {
        code: "exams",
        number: 4,
        title: "职称外语和职称计算机",
        parts: &[PartSpec {
            code: "exams",
            title: "4 职称外语和职称计算机",
            shape: PartShape::Single,
            help: "广西目前一般不作要求；已合格或免试的请如实选择。",
            fields: &[
                F::req("language", "外语合格情况", K::Choice(EXAM)),
                F::req("computer", "计算机合格情况", K::Choice(EXAM)),
                F::opt("note", "外省考试说明", K::Text { max: 100 }),
            ],
        }],
    },
    SectionSpec {
        code: "training",
        number: 5,
        title: "继续教育",
        parts: &[PartSpec {
            code: "training",
            title: "5 继续教育学时、学分完成情况",
            shape: PartShape::Rows {
                min_rows: 1,
                max_rows: 10,
            },
            help: "每年一行，总学时自动合计；每年应不少于90学时。",
            fields: &[
                F::req("year", "年度", K::Year),
                F::req("public_required", "公需必修学时", K::Hours),
                F::opt("public_elective", "公需选修学时", K::Hours),
                F::req("professional", "专业学时", K::Hours),
                F::opt("shared", "行业内数据共享学时", K::Hours),
            ],
        }],
    },
    SectionSpec {
        code: "career",
        number: 6,
        title: "工作简历与社保",
        parts: &[
            PartSpec {
                code: "resume",
                title: "6-1 工作简历",
                shape: PartShape::Rows {
                    min_rows: 1,
                    max_rows: 30,
                },
                help: "按时间顺序填写；至今的请把截止时间留空。",
                fields: &[
                    F::req("from", "开始时间", K::Month),
                    F::opt("to", "截止时间", K::Month),
                    F::req("employer", "工作单位", K::Text { max: 60 }),
                    F::req("post", "职务", K::Text { max: 30 }),
                ],
            },
            PartSpec {
                code: "insurance",
                title: "6-2 个人社保缴纳记录",
                shape: PartShape::Rows {
                    min_rows: 0,
                    max_rows: 30,
                },
                help: "",
                fields: &[
                    F::req("from", "缴纳开始时间", K::Month),
                    F::opt("to", "缴纳结束时间", K::Month),
                    F::req("agency", "社保机构", K::Text { max: 60 }),
                    F::req("payer", "缴纳单位", K::Text { max: 60 }),
                ],
            },
        ],
    },
    SectionSpec {
        code: "experience",
        number: 7,
        title: "专业技术工作经历",
        parts: &[
            PartSpec {
                code: "experience",
                title: "7-1 专业技术工作经历",
                shape: PartShape::Rows {
                    min_rows: 1,
                    max_rows: 30,
                },
                help: "按重要程度排序，最重要的放在最前面。",
                fields: &[
                    F::req("from", "开始时间", K::Month),
                    F::opt("to", "截止时间", K::Month),
                    F::req("employer", "工作单位", K::Text { max: 60 }),
                    F::req("content", "项目名称/工作内容", K::Note { max: 300 }),
                    F::req("role", "任职/角色", K::Text { max: 30 }),
                ],
            },
            PartSpec {
                code: "societies",
                title: "7-2 学术团体及社会兼职",
                shape: PartShape::Rows {
                    min_rows: 0,
                    max_rows: 20,
                },
                help: "",
                fields: &[
                    F::req("from", "开始时间", K::Month),
                    F::opt("to", "截止时间", K::Month),
                    F::req("society", "学术团体名称", K::Text { max: 60 }),
                    F::req("post", "在何职", K::Text { max: 30 }),
                ],
            },
        ],
    },
    SectionSpec {
        code: "achievements",
        number: 8,
        title: "业绩成果与获奖",
        parts: &[
            PartSpec {
                code: "achievements",
                title: "8-1 业绩成果",
                shape: PartShape::Rows {
                    min_rows: 1,
                    max_rows: 30,
                },
                help: "按重要程度排序。",
                fields: &[
                    F::req("from", "开始时间", K::Month),
                    F::opt("to", "截止时间", K::Month),
                    F::req("name", "业绩成果名称", K::Text { max: 100 }),
                    F::req("level", "项目级别", K::Choice(PROJECT_LEVEL)),
                    F::req("rank", "个人排名", K::Choice(RANKS)),
                ],
            },
            PartSpec {
                code: "awards",
                title: "8-2 获奖情况",
                shape: PartShape::Rows {
                    min_rows: 0,
                    max_rows: 30,
                },
                help: "",
                fields: &[
                    F::req("date", "授奖时间", K::Month),
                    F::req("name", "名称与内容", K::Text { max: 100 }),
                    F::req("level", "奖励级别", K::Choice(AWARD_LEVEL)),
                    F::req("issuer", "授奖机关", K::Text { max: 60 }),
                    F::req("rank", "个人排名", K::Choice(RANKS)),
                ],
            },
        ],
    },
    SectionSpec {
        code: "publications",
        number: 9,
        title: "学术成果",
        parts: &[PartSpec {
            code: "publications",
            title: "9 学术成果",
            shape: PartShape::Rows {
                min_rows: 0,
                max_rows: 30,
            },
            help: "论文、著作、专利等；代表作请标明。",
            fields: &[
                F::req("date", "发表时间", K::Month),
                F::req("kind", "成果类型", K::Choice(WORK_TYPE)),
                F::req("title", "学术成果名称", K::Text { max: 100 }),
                F::req("venue", "登载刊物/出版社", K::Text { max: 60 }),
                F::req("role", "本人角色", K::Choice(AUTHOR_ROLE)),
                F::req("representative", "是否代表作", K::Choice(YES_NO)),
            ],
        }],
    },
    SectionSpec {
        code: "summary",
        number: 10,
        title: "专业技术工作总结",
        parts: &[PartSpec {
            code: "summary",
            title: "10 专业技术工作总结",
            shape: PartShape::Summary,
            help: "可使用加粗、斜体、下划线、列表和分段。",
            fields: &[],
        }],
    },
    SectionSpec {
        code: "others",
        number: 11,
        title: "其他材料",
        parts: &[PartSpec {
            code: "others",
            title: "11 其他材料",
            shape: PartShape::Rows {
                min_rows: 0,
                max_rows: 20,
            },
            help: "评委会要求的其他说明材料。",
            fields: &[
                F::req("name", "材料名称", K::Text { max: 60 }),
                F::opt("note", "说明", K::Note { max: 300 }),
            ],
        }],
    },
];
