//! An application's card as the applicant's pages show it: the facts of the seed's card,
//! the buttons the state machine allows, the fee it waits for and the open return.

use zc_db::{applications::ApplicationRow, payment_orders::OrderRow};
use zc_domain::{
    TitleLevel,
    application::{
        ApplicationKind, ApplicationStatus, Event, Party, allows, sections::sections_for,
    },
    payment::Fen,
};

use crate::{
    error::AppResult,
    state::AppState,
    views::{cst, format_date, format_time},
};

/// An application's card.
pub struct Card {
    pub id: i64,
    pub kind: &'static str,
    pub status: ApplicationStatus,
    pub year: i32,
    pub qualification: String,
    pub level: &'static str,
    pub office: String,
    pub committee: String,
    pub created: String,
    /// The fee the dossier waits for (待缴费), with its 去缴费 button.
    pub fee_due: Option<FeeDue>,
    /// What may be done with it now.
    pub may: Actions,
    /// The section 编辑 opens: the first returned one, else the form's first.
    pub first_section: &'static str,
    /// 退回修改 — the open return's sections and reasons, shown until the reviewer
    /// decides again.
    pub returned: Vec<zc_services::application_returns::ReturnedSection>,
}

/// The buttons a dossier's pages offer, each asked of the state machine, so that a page
/// never offers what the rules refuse.
#[derive(Debug, Clone, Copy)]
pub struct Actions {
    /// 撤回 by the applicant.
    pub withdraw: bool,
    /// 报送职改办: another office or level, before the first submission.
    pub change_destination: bool,
    /// The unit's 审核 (forward, return, fail).
    pub unit_decide: bool,
    /// The 职改办's 发文确认.
    pub confirm: bool,
    /// The 职改办 may return it to the unit (not a 审验, which never passed one).
    pub office_returns_to_unit: bool,
}

impl Actions {
    /// The actions of a dossier of `kind` in `status`.
    pub fn of(kind: ApplicationKind, status: ApplicationStatus) -> Actions {
        Actions {
            withdraw: allows(kind, status, Event::Withdraw, Party::Applicant),
            change_destination: status.may_change_destination(),
            unit_decide: allows(
                kind,
                status,
                Event::UnitForward {
                    via_department: false,
                },
                Party::Unit,
            ),
            confirm: allows(kind, status, Event::Confirm, Party::Office),
            office_returns_to_unit: allows(
                kind,
                status,
                Event::OfficeReturn(zc_domain::application::ReturnTo::Unit),
                Party::Office,
            ),
        }
    }
}

/// 待缴费 — an unpaid order of a dossier, as its card shows it.
pub struct FeeDue {
    pub order_id: i64,
    pub item: String,
    pub amount: String,
    pub pay_before: String,
}

impl FeeDue {
    /// The open order of dossier `application_id` among a payer's open orders.
    pub fn find(open: &[OrderRow], application_id: i64) -> Option<FeeDue> {
        open.iter()
            .find(|o| o.application_id == Some(application_id))
            .map(|o| FeeDue {
                order_id: o.id,
                item: o.item_name.clone(),
                amount: Fen(o.amount_fen).yuan(),
                // The window ends at the start of the day after the last day to pay.
                pay_before: format_date(
                    (o.pay_before - chrono::Duration::seconds(1))
                        .with_timezone(&cst())
                        .date_naive(),
                ),
            })
    }
}

impl Card {
    /// The card of an application row.
    pub fn of(a: &ApplicationRow) -> Card {
        let level = TitleLevel::from_rank(a.level_rank).map_or("", TitleLevel::name);
        Card {
            id: a.id,
            kind: a.kind.name(),
            status: a.status,
            may: Actions::of(a.kind, a.status),
            first_section: sections_for(a.kind).first().map_or("basic", |s| s.code),
            year: a.year,
            qualification: format!("{}系列/{level}/{}", a.series_name, a.title_name),
            level,
            office: a.office_name.clone(),
            committee: a.committee_name.clone().unwrap_or_default(),
            created: format_time(a.created_at),
            fee_due: None,
            returned: Vec::new(),
        }
    }

    /// The card with its open return, 编辑 opening the first returned section.
    pub async fn with_return(mut self, state: &AppState, a: &ApplicationRow) -> AppResult<Card> {
        self.returned = zc_services::application_returns::open_return(&state.db, a).await?;
        self.first_section = zc_services::application_returns::first_to_fix(a, &self.returned);
        Ok(self)
    }

    /// The card with its open fee, if any, from the payer's open orders.
    pub fn with_fee(mut self, open: &[OrderRow]) -> Card {
        self.fee_due = FeeDue::find(open, self.id);
        self
    }
}
