//! 条形图 — a horizontal bar chart laid out on the server and drawn as inline SVG by the
//! `bar_chart` macro, so figures show without script; every chart sits beside a table
//! with the same numbers, which is what screen readers and printouts use.

/// Width of the drawing, in SVG units. It scales to the page, so it is about a phone's
/// width: text drawn at 14 units stays readable at 360 px.
const WIDTH: u32 = 360;
/// Where bars start; labels end just before.
const BAR_X: u32 = 110;
/// The longest bar; the rest of the width holds the value.
const BAR_MAX: u32 = 190;
/// Height of one row.
const ROW: u32 = 28;
/// Longest label drawn, in characters (the table holds the full name).
const LABEL_MAX: usize = 7;

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// The value as shown at the bar's end.
    pub value: String,
    /// Top of the row.
    pub y: u32,
    pub width: u32,
}

impl Bar {
    /// Baseline of the row's text.
    pub fn text_y(&self) -> u32 {
        self.y + ROW / 2 + 5
    }

    /// Where the value is written.
    pub fn value_x(&self) -> u32 {
        BAR_X + self.width + 6
    }

    /// Top of the bar inside its row.
    pub fn bar_y(&self) -> u32 {
        self.y + 5
    }
}

/// A chart ready to draw.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Its element id (for `aria-labelledby`).
    pub id: &'static str,
    pub title: String,
    pub bars: Vec<Bar>,
}

impl BarChart {
    /// A chart of `(label, value, value as shown)`; bar lengths are proportional to the
    /// largest value.
    pub fn new(
        id: &'static str,
        title: impl Into<String>,
        items: impl IntoIterator<Item = (String, f64, String)>,
    ) -> BarChart {
        let items: Vec<_> = items.into_iter().collect();
        let max = items.iter().map(|(_, v, _)| *v).fold(0.0_f64, f64::max);
        let bars = items
            .into_iter()
            .enumerate()
            .map(|(i, (label, v, shown))| Bar {
                label: shorten(&label),
                value: shown,
                y: i as u32 * ROW,
                width: if max > 0.0 {
                    ((v / max) * f64::from(BAR_MAX)).round() as u32
                } else {
                    0
                },
            })
            .collect();
        BarChart {
            id,
            title: title.into(),
            bars,
        }
    }

    /// Height of the drawing.
    pub fn height(&self) -> u32 {
        (self.bars.len() as u32).max(1) * ROW
    }

    /// Width of the drawing.
    pub fn width(&self) -> u32 {
        WIDTH
    }

    /// Where labels end.
    pub fn label_x(&self) -> u32 {
        BAR_X - 8
    }

    /// Where bars start.
    pub fn bar_x(&self) -> u32 {
        BAR_X
    }

    /// Height of a bar.
    pub fn bar_height(&self) -> u32 {
        ROW - 10
    }
}

fn shorten(label: &str) -> String {
    if label.chars().count() > LABEL_MAX {
        format!("{}…", label.chars().take(LABEL_MAX - 1).collect::<String>())
    } else {
        label.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_to_the_largest_value() {
        let chart = BarChart::new(
            "c",
            "按系列",
            [
                ("工程".to_string(), 10.0, "10".to_string()),
                ("卫生".to_string(), 5.0, "5".to_string()),
                ("教育".to_string(), 0.0, "0".to_string()),
            ],
        );
        let widths: Vec<_> = chart.bars.iter().map(|b| b.width).collect();
        assert_eq!(widths, [BAR_MAX, BAR_MAX / 2, 0]);
        assert_eq!(chart.bars[1].y, ROW);
        assert_eq!(chart.height(), 3 * ROW);
        assert_eq!(chart.bars[0].value_x(), BAR_X + BAR_MAX + 6);
    }

    #[test]
    fn nothing_to_draw_draws_no_bar_and_long_labels_are_shortened() {
        let chart = BarChart::new(
            "c",
            "t",
            [(
                "广西壮族自治区建筑科学研究设计院".to_string(),
                0.0,
                "0".to_string(),
            )],
        );
        assert_eq!(chart.bars[0].width, 0);
        assert_eq!(chart.bars[0].label, "广西壮族自治…");
    }
}
