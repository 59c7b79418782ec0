//! The section pages of an application (and of 个人资料): a left-hand list with ticks and
//! "已完成 N/11", field-set forms, tables with add, edit, delete and up/down ordering,
//! the summary, and the upload slots. Everything works without JavaScript; the forms'
//! handlers are in `application_section_forms`.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use zc_domain::{
    Portal,
    application::sections::{
        PartData, PartShape, PartSpec, SECTIONS, SectionSpec, Values, part_missing, sections_for,
        training_total, years_of_work,
    },
};
use zc_services::{
    FieldErrors,
    application_parts::{self, ARCHIVE_PARTS, Owner},
    applications,
};

use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    routes::my_applications::Card,
    state::AppState,
    views::{Nav, portal_nav},
};

/// An entry of the left-hand list.
pub struct NavItem {
    pub code: &'static str,
    pub number: u8,
    pub title: &'static str,
    pub complete: bool,
    pub current: bool,
    /// Named in the open return (一次性告知).
    pub returned: bool,
}

/// A field as shown in a form.
pub struct FieldView {
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub input_type: &'static str,
    pub hint: Option<&'static str>,
    pub choices: &'static [&'static str],
    pub long: bool,
    /// Offer the 职称目录 as suggestions (the page's `title-catalogue` list).
    pub catalogue: bool,
    pub value: String,
    pub error: Option<String>,
}

/// A row of a table.
pub struct RowView {
    pub index: usize,
    pub cells: Vec<String>,
    pub complete: bool,
    /// 继续教育 total and whether it is under 90 hours.
    pub total: Option<(String, bool)>,
}

/// A part as shown.
pub struct PartView {
    pub code: &'static str,
    pub title: &'static str,
    pub help: &'static str,
    pub shape: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<RowView>,
    pub can_add: bool,
    /// The form: the single part's fields, or the add/edit form of a table.
    pub fields: Vec<FieldView>,
    /// The row being edited, if any.
    pub editing: Option<usize>,
    pub missing: Vec<String>,
    pub summary_html: String,
    pub summary_chars: usize,
    /// The stored summary as (sanitised) HTML, for the formatting editor.
    pub summary_rich: String,
    pub computed: Option<String>,
}

/// An upload slot on its section's page.
pub struct SlotView {
    pub code: String,
    pub label: String,
    pub limits: String,
    pub photo: bool,
    pub can_add: bool,
    pub files: Vec<FileView>,
    pub error: Option<String>,
}

/// A stored file as a thumbnail.
pub struct FileView {
    pub id: i64,
    pub confirmed: bool,
    pub size: String,
}

/// Whose parts a page edits, and where its addresses start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// An application's form.
    Application(i64),
    /// 个人资料 — the applicant's archive.
    Archive,
}

impl Scope {
    /// The start of the page's addresses.
    pub fn base(self) -> String {
        match self {
            Self::Application(id) => format!("/my/applications/{id}"),
            Self::Archive => "/my/profile".to_string(),
        }
    }

    /// The owner of the parts for the signed-in person.
    pub fn owner(self, user_id: i64) -> Owner {
        match self {
            Self::Application(application_id) => Owner::Application {
                applicant_id: user_id,
                application_id,
            },
            Self::Archive => Owner::Archive {
                account_id: user_id,
            },
        }
    }

    /// Whether a part belongs on this scope's pages.
    fn shows(self, part: &str) -> bool {
        self != Self::Archive || ARCHIVE_PARTS.contains(&part)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "my/application_section.html")]
struct SectionPage {
    ctx: PageContext,
    nav: Nav,
    /// The application's card; `None` on the archive pages.
    card: Option<Card>,
    base: String,
    sections: Vec<NavItem>,
    done: usize,
    total: usize,
    current: &'static SectionSpec,
    parts: Vec<PartView>,
    editable: bool,
    errors: FieldErrors,
    saved: bool,
    max_chars: usize,
    slots: Vec<SlotView>,
    /// The open return's reasons for this section: `(who, reason)`.
    reasons: Vec<(String, String)>,
    /// 认定条件 on 申报信息 and 基本情况: `Ok(met)` or `Err(why not yet)`.
    eligibility: Option<Result<String, String>>,
    /// The 职称目录's title names, when a field of this section picks from it.
    catalogue: Vec<String>,
    /// 遗失补办's 申报信息: the notice, or the way to confirm it.
    loss_notice: Option<crate::routes::loss_notice::NoticeBanner>,
    /// "如何填写？": the guide's section on this form.
    help: &'static str,
}

impl SectionPage {
    /// Whether a part can be saved back to the archive.
    fn archivable(&self, part: &str) -> bool {
        ARCHIVE_PARTS.contains(&part)
    }
}

/// What came back from a refused form, to show it again as typed.
#[derive(Default)]
pub(crate) struct Typed {
    pub part: String,
    pub values: Values,
    pub row: Option<usize>,
    pub summary: Option<String>,
    pub errors: FieldErrors,
    /// `(slot, message)` of a refused upload.
    pub upload_error: Option<(String, String)>,
}

fn field_views(spec: &PartSpec, values: &Values, errors: &FieldErrors) -> Vec<FieldView> {
    spec.fields
        .iter()
        .map(|f| FieldView {
            key: f.key,
            label: f.label,
            required: f.required,
            input_type: f.input_type(),
            hint: f.hint(),
            choices: f.choices(),
            long: matches!(f.kind, zc_domain::application::form::FieldKind::Note { .. }),
            catalogue: matches!(
                f.kind,
                zc_domain::application::form::FieldKind::Catalogue { .. }
            ),
            value: values.get(f.key).cloned().unwrap_or_default(),
            error: errors.get(f.key).map(str::to_string),
        })
        .collect()
}

fn part_view(
    spec: &'static PartSpec,
    data: &PartData,
    typed: &Typed,
    edit: Option<usize>,
    today: chrono::NaiveDate,
) -> PartView {
    let mine = typed.part == spec.code;
    let none = FieldErrors::default();
    let errors = if mine { &typed.errors } else { &none };
    let mut view = PartView {
        code: spec.code,
        title: spec.title,
        help: spec.help,
        shape: "single",
        headers: spec.fields.iter().map(|f| f.label).collect(),
        rows: Vec::new(),
        can_add: false,
        fields: Vec::new(),
        editing: None,
        missing: part_missing(spec, data),
        summary_html: String::new(),
        summary_chars: 0,
        summary_rich: String::new(),
        computed: None,
    };
    match spec.shape {
        PartShape::Single => {
            let stored = match data {
                PartData::Single(v) => v.clone(),
                _ => Values::new(),
            };
            let values = if mine { &typed.values } else { &stored };
            view.fields = field_views(spec, values, errors);
            if spec.code == "basic" {
                view.computed = stored
                    .get("work_start")
                    .and_then(|m| years_of_work(m, today))
                    .map(|y| format!("专业技术工作年限：{y}年（按参加工作时间自动计算）"));
            }
        }
        PartShape::Rows { max_rows, .. } => {
            view.shape = "rows";
            let rows = match data {
                PartData::Rows(rows) => rows.as_slice(),
                _ => &[],
            };
            view.can_add = rows.len() < max_rows;
            view.rows = rows
                .iter()
                .enumerate()
                .map(|(index, row)| RowView {
                    index,
                    cells: spec
                        .fields
                        .iter()
                        .map(|f| row.get(f.key).cloned().unwrap_or_default())
                        .collect(),
                    complete: zc_domain::application::sections::check_values(spec.fields, row)
                        .is_ok(),
                    total: (spec.code == "training").then(|| training_total(row)),
                })
                .collect();
            let editing = if mine { typed.row } else { edit };
            view.editing = editing.filter(|i| *i < rows.len());
            let values = if mine {
                typed.values.clone()
            } else {
                view.editing
                    .and_then(|i| rows.get(i).cloned())
                    .unwrap_or_default()
            };
            view.fields = field_views(spec, &values, errors);
        }
        PartShape::Summary => {
            view.shape = "summary";
            // The text box holds plain text; the stored HTML keeps the formatting.
            if let PartData::Summary { html, chars } = data {
                view.summary_html = zc_services::application_summary::summary_to_plain(html);
                view.summary_rich = html.clone();
                view.summary_chars = *chars;
            }
            // A refused summary comes back as typed, in both the text box and the
            // formatting editor, so nothing is lost when it is too long.
            if mine && let Some(text) = &typed.summary {
                (view.summary_html, view.summary_rich) =
                    zc_services::application_summary::as_typed(text);
            }
        }
    }
    view
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ShowQuery {
    /// `part:index` of the row to edit.
    edit: Option<String>,
    saved: Option<String>,
}

pub(crate) async fn render(
    state: &AppState,
    ctx: PageContext,
    scope: Scope,
    section_code: &str,
    typed: Typed,
    q: ShowQuery,
) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    let app = match scope {
        Scope::Application(id) => Some(applications::mine(&state.db, user.id, id).await?),
        Scope::Archive => None,
    };
    let form = app.as_ref().map_or(SECTIONS, |a| sections_for(a.kind));
    // A section of uploads only (认定's 资料上传) belongs to an application's pages.
    let belongs = |s: &SectionSpec| {
        (s.parts.is_empty() && app.is_some()) || s.parts.iter().any(|p| scope.shows(p.code))
    };
    let current = form
        .iter()
        .find(|s| s.code == section_code)
        .filter(|s| belongs(s))
        .ok_or(AppError::NotFound)?;
    // What the submission page would list as missing, section by section.
    let missing = match &app {
        Some(a) => zc_services::application_submission::missing_items(&state.db, a.id).await?,
        None => Vec::new(),
    };
    let stored = application_parts::load_owned(&state.db, scope.owner(user.id)).await?;
    let open_reasons = match &app {
        Some(a) => zc_db::unit_review::open_reasons(&state.db, a.id).await?,
        None => Vec::new(),
    };
    let empty = PartData::Empty;
    let data_of = |code: &str| stored.get(code).unwrap_or(&empty);
    let sections: Vec<NavItem> = form
        .iter()
        .filter(|s| belongs(s))
        .map(|s| NavItem {
            code: s.code,
            number: s.number,
            title: s.title,
            complete: s
                .parts
                .iter()
                .filter(|p| scope.shows(p.code))
                .all(|p| part_missing(p, data_of(p.code)).is_empty())
                && !missing.iter().any(|m| m.section == s.code),
            current: s.code == current.code,
            returned: open_reasons.iter().any(|r| r.section == s.code),
        })
        .collect();
    let done = sections.iter().filter(|s| s.complete).count();
    let edit = q.edit.as_deref().and_then(|e| e.split_once(':'));
    let parts = current
        .parts
        .iter()
        .filter(|p| scope.shows(p.code))
        .map(|p| {
            let edit_row = edit
                .filter(|(code, _)| *code == p.code)
                .and_then(|(_, i)| i.parse().ok());
            part_view(p, data_of(p.code), &typed, edit_row, state.db.today())
        })
        .collect();
    let slots = match &app {
        Some(app) => slot_views(state, app, current, &typed).await?,
        None => Vec::new(),
    };
    let card = app.as_ref().map(Card::of);
    let editable = card.as_ref().is_none_or(|c| c.status.is_editable());
    let reasons = open_reasons
        .into_iter()
        .filter(|r| r.section == current.code)
        .map(|r| (r.returned_by, r.reason))
        .collect();
    let eligibility = match &app {
        Some(a) if matches!(current.code, "rc_info" | "rc_basic") => {
            let today = zc_domain::calendar::china_date(state.db.now());
            zc_services::recognition::eligibility_notice(&state.db, &state.vault, a, today).await?
        }
        _ => None,
    };
    let picks_title = current.parts.iter().any(|p| {
        p.fields.iter().any(|f| {
            matches!(
                f.kind,
                zc_domain::application::form::FieldKind::Catalogue { .. }
            )
        })
    });
    let mut catalogue: Vec<String> = if picks_title {
        zc_db::recognition::qualifications(&state.db, 5)
            .await?
            .into_iter()
            .map(|q| q.title_name)
            .collect()
    } else {
        Vec::new()
    };
    catalogue.sort();
    catalogue.dedup();
    let loss_notice = match &app {
        Some(a) => crate::routes::loss_notice::banner(state, a, current.code).await?,
        None => None,
    };
    let page = SectionPage {
        help: app.as_ref().map_or("/guide/register#选择所在单位", |a| {
            crate::routes::guide::form_help(a.kind)
        }),
        loss_notice,
        reasons,
        eligibility,
        catalogue,
        slots,
        nav: portal_nav(
            Portal::My,
            if card.is_some() {
                "/my/applications"
            } else {
                "/my/profile"
            },
        ),
        ctx,
        base: scope.base(),
        total: sections.len(),
        done,
        sections,
        current,
        parts,
        editable,
        errors: typed.errors,
        saved: q.saved.is_some(),
        max_chars: app
            .as_ref()
            .map(|a| a.kind)
            .map_or(state.config.summary_limits.evaluation, |k| {
                state.config.summary_limits.for_kind(k)
            }),
        card,
    };
    Ok(page.into_response())
}

/// The upload slots of the section, with their files.
async fn slot_views(
    state: &AppState,
    app: &zc_db::applications::ApplicationRow,
    current: &SectionSpec,
    typed: &Typed,
) -> AppResult<Vec<SlotView>> {
    let all_files = zc_db::application_files::for_application(&state.db, app.id).await?;
    Ok(zc_services::application_files::slots(&state.db, app)
        .await?
        .into_iter()
        .filter(|s| s.section == current.code)
        .map(|s| {
            let files: Vec<FileView> = all_files
                .iter()
                .filter(|f| f.slot == s.code)
                .map(|f| FileView {
                    id: f.id,
                    confirmed: f.confirmed,
                    size: format!("{}×{}，{}KB", f.width, f.height, (f.bytes + 1023) / 1024),
                })
                .collect();
            let error = typed
                .upload_error
                .as_ref()
                .filter(|(slot, _)| *slot == s.code)
                .map(|(_, m)| m.clone());
            SlotView {
                limits: format!(
                    "{}，{}张，每张不超过{}KB{}{}。JPG或PNG，20MB以内的照片均可，系统自动旋正、压缩。",
                    if s.required { "必传" } else { "选传" },
                    if s.min_count == s.max_count {
                        s.max_count.to_string()
                    } else {
                        format!("{}–{}", s.min_count, s.max_count)
                    },
                    s.max_kb,
                    if s.photo { "，413×579像素" } else { "" },
                    if s.min_px > 0 {
                        format!("，图片短边不少于{}像素", s.min_px)
                    } else {
                        String::new()
                    }
                ),
                can_add: files.len() < s.max_count as usize,
                code: s.code,
                label: s.label,
                photo: s.photo,
                files,
                error,
            }
        })
        .collect())
}
