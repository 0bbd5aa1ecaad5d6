//! The geometry of the usage charts, pure: series of bucket values in, SVG path data,
//! axis ticks and bucket positions out, in a fixed `viewBox` that CSS scales to any
//! width. The widget draws the SVG itself: a chart library would cost more of the
//! wasm budget than these lines. Coordinates are floats; the values never are.

/// The `viewBox` is `0 0 WIDTH HEIGHT`.
pub const WIDTH: f64 = 600.0;
pub const HEIGHT: f64 = 220.0;
/// Room for the value labels on the left (the right in RTL) and the time labels below.
const AXIS: f64 = 44.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;
const EDGE: f64 = 8.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// The x (time ticks) or y (value ticks) in the `viewBox`.
    pub at: f64,
    /// The bucket index (time ticks) or the value (value ticks).
    pub value: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// One path's `d` per series, in the order given.
    pub paths: Vec<String>,
    /// Each bucket's centre.
    pub bucket_x: Vec<f64>,
    pub value_ticks: Vec<Tick>,
    pub time_ticks: Vec<Tick>,
    /// The top of the value axis: a round number at least the largest value.
    pub top: i64,
    /// Where the plot area is, for gridlines and the focus marker.
    pub plot_left: f64,
    pub plot_right: f64,
    pub plot_top: f64,
    pub plot_bottom: f64,
    /// Where the value labels go: left of the plot, or right of it in RTL.
    pub value_label_x: f64,
}

impl Chart {
    /// The y of `value`.
    pub fn y(&self, value: i64) -> f64 {
        let share = if self.top > 0 {
            value.max(0) as f64 / self.top as f64
        } else {
            0.0
        };
        self.plot_bottom - share * (self.plot_bottom - self.plot_top)
    }

    /// The bucket nearest to `fraction` of the chart's rendered width (0 at its left
    /// edge), for pointer hover.
    pub fn bucket_at(&self, fraction: f64) -> Option<usize> {
        let x = fraction.clamp(0.0, 1.0) * WIDTH;
        self.bucket_x
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| (*a - x).abs().total_cmp(&(*b - x).abs()))
            .map(|(index, _)| index)
    }
}

/// Lays out `series` (each one value per bucket, all the same length). With
/// `mirror`, time runs right to left, as a right-to-left reader expects.
pub fn layout(series: &[&[i64]], mirror: bool) -> Chart {
    let buckets = series.iter().map(|s| s.len()).max().unwrap_or(0);
    let largest = series
        .iter()
        .flat_map(|s| s.iter().copied())
        .max()
        .unwrap_or(0);
    let (top, step) = nice_axis(largest);
    let (plot_left, plot_right, value_label_x) = if mirror {
        (EDGE, WIDTH - AXIS, WIDTH - AXIS + 6.0)
    } else {
        (AXIS, WIDTH - EDGE, AXIS - 6.0)
    };
    let width = plot_right - plot_left;
    let bucket_x: Vec<f64> = (0..buckets)
        .map(|i| {
            let offset = (i as f64 + 0.5) * width / buckets as f64;
            if mirror {
                plot_right - offset
            } else {
                plot_left + offset
            }
        })
        .collect();
    let mut chart = Chart {
        paths: Vec::new(),
        bucket_x,
        value_ticks: Vec::new(),
        time_ticks: Vec::new(),
        top,
        plot_left,
        plot_right,
        plot_top: TOP,
        plot_bottom: HEIGHT - BOTTOM,
        value_label_x,
    };
    chart.value_ticks = (0..=top / step)
        .map(|i| Tick {
            at: chart.y(i * step),
            value: i * step,
        })
        .collect();
    let every = buckets.div_ceil(6).max(1);
    chart.time_ticks = (0..buckets)
        .filter(|i| i % every == 0)
        .map(|i| Tick {
            at: chart.bucket_x[i],
            value: i as i64,
        })
        .collect();
    chart.paths = series
        .iter()
        .map(|values| {
            values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let command = if i == 0 { 'M' } else { 'L' };
                    format!("{command}{} {}", svg(chart.bucket_x[i]), svg(chart.y(*v)))
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    chart
}

/// A round top for the value axis and the step between its ticks: 1, 2 or 5 times
/// a power of ten, at most five steps.
pub fn nice_axis(largest: i64) -> (i64, i64) {
    if largest <= 0 {
        return (1, 1);
    }
    let mut magnitude = 1_i64;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * magnitude;
            let steps = (largest + step - 1) / step;
            if steps <= 5 {
                return (steps * step, step);
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// A coordinate as SVG text, to a tenth of a unit (`12.3`, `-0.5`, `600.0`): what
/// `{:.1}` prints, with integers only, so the wasm carries no float formatter.
pub fn svg(value: f64) -> String {
    let tenths = (value * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let tenths = tenths.unsigned_abs();
    format!("{sign}{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_axis_is_round_and_covers_the_largest_value() {
        assert_eq!(nice_axis(0), (1, 1));
        assert_eq!(nice_axis(3), (3, 1));
        assert_eq!(nice_axis(7), (8, 2));
        assert_eq!(nice_axis(10), (10, 2));
        assert_eq!(nice_axis(23), (25, 5));
        assert_eq!(nice_axis(2_501), (3_000, 1_000));
        assert_eq!(nice_axis(99_999), (100_000, 20_000));
    }

    #[test]
    fn coordinates_print_as_tenths() {
        for (value, text) in [
            (0.0, "0.0"),
            (0.04, "0.0"),
            (12.34, "12.3"),
            (12.36, "12.4"),
            (600.0, "600.0"),
            (-0.46, "-0.5"),
        ] {
            assert_eq!(svg(value), text);
            assert_eq!(format!("{value:.1}"), text, "as {{:.1}} prints it");
        }
    }

    #[test]
    fn paths_run_through_each_bucket_centre() {
        let chart = layout(&[&[0, 10], &[5, 5]], false);
        assert_eq!(chart.top, 10);
        // Two buckets over the plot from 44 to 592: centres at 181 and 455.
        assert_eq!(chart.bucket_x, vec![181.0, 455.0]);
        assert_eq!(chart.paths[0], "M181.0 194.0 L455.0 10.0");
        assert_eq!(chart.paths[1], "M181.0 102.0 L455.0 102.0");
        assert_eq!(
            chart
                .value_ticks
                .iter()
                .map(|t| t.value)
                .collect::<Vec<_>>(),
            [0, 2, 4, 6, 8, 10]
        );
    }

    #[test]
    fn right_to_left_mirrors_time_and_moves_the_value_labels() {
        let ltr = layout(&[&[1, 2, 3]], false);
        let rtl = layout(&[&[1, 2, 3]], true);
        assert!(ltr.bucket_x[0] < ltr.bucket_x[2]);
        assert!(rtl.bucket_x[0] > rtl.bucket_x[2]);
        assert!(rtl.value_label_x > rtl.plot_right);
        assert!(ltr.value_label_x < ltr.plot_left);
        assert_eq!(rtl.bucket_at(1.0), Some(0));
        assert_eq!(ltr.bucket_at(1.0), Some(2));
        assert_eq!(ltr.bucket_at(0.0), Some(0));
    }

    #[test]
    fn time_ticks_thin_out_to_about_six() {
        let month = vec![0; 30];
        let chart = layout(&[&month], false);
        let ticks: Vec<i64> = chart.time_ticks.iter().map(|t| t.value).collect();
        assert_eq!(ticks, [0, 5, 10, 15, 20, 25]);
        assert!(layout(&[], false).paths.is_empty());
    }
}
