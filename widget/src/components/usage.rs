//! The customer's usage: a 1d / 7d / 30d selector, one chart with a series per
//! meter (hover or arrow keys show a bucket's readings; a table holds the same
//! numbers), and the breakdown by feature group with each meter's cost.

use super::Portal;
use super::chunks;
use crate::chart::{self, Chart, svg};
use crate::usage_view::{BreakdownGroup, breakdown as breakdown_of, bucket_label, readings};
use leptos::prelude::*;
use leptos::task::spawn_local;
use portico_wire::usage::{Usage, UsageRange};

/// How often the usage and the wallets are read again while the page is visible.
const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

impl Portal {
    /// Reads the usage of the selected range. Quiet on failure: the next refresh
    /// tries again, and the host page hears of it as an `error` event. The reading
    /// (and the usage's deserializer) is in an on-demand module.
    pub(super) fn load_usage(self) {
        spawn_local(async move {
            if chunks::usage_data(self).await.is_err() {
                self.report_missing_part();
            }
        });
    }

    /// [`Self::load_usage`], from the module that holds it.
    pub(super) fn read_usage(self) {
        spawn_local(async move {
            // The portal may be gone by the time an answer arrives.
            let Some(asked) = self.usage_range.try_get_untracked() else {
                return;
            };
            match self
                .authed(move |client, token| async move { client.usage(&token, asked).await })
                .await
            {
                // A slower answer for a range no longer selected is dropped, and one
                // that brings nothing new changes nothing: setting it would redraw
                // the chart and drop a keyboard user's place in it every 5 s.
                Ok(answer) if Some(answer.range) == self.usage_range.try_get_untracked() => {
                    let new = self
                        .usage
                        .try_with_untracked(|shown| shown.as_ref() != Some(&answer));
                    if new == Some(true) {
                        self.usage.try_set(Some(answer));
                    }
                }
                Ok(_) => {}
                Err(error) => self.report(&error),
            }
        });
    }

    /// New usage and credits show without a reload: every few seconds while the
    /// page is visible, and at once when it becomes visible again. Stops with the
    /// portal.
    pub(super) fn keep_fresh(self) {
        let refresh = move || {
            if page_visible() {
                self.load_usage();
                self.refresh_wallets();
            }
        };
        if let Ok(handle) = set_interval_with_handle(refresh, REFRESH_EVERY) {
            on_cleanup(move || handle.clear());
        }
        let on_visible = window_event_listener(leptos::ev::visibilitychange, move |_| refresh());
        on_cleanup(move || on_visible.remove());
    }
}

/// The usage view: the range selector and the chart, and with `breakdown` the
/// table by feature. Shown once the service has meters.
#[component]
pub fn UsageSection(portal: Portal, breakdown: bool) -> impl IntoView {
    let t = portal.t();
    let range = portal.usage_range;
    let any = move || {
        portal
            .usage
            .with(|u| u.as_ref().is_some_and(|u| !u.meters.is_empty()))
    };
    let ranges = [
        (UsageRange::Day, "1d", t.range_day),
        (UsageRange::Week, "7d", t.range_week),
        (UsageRange::Month, "30d", t.range_month),
    ];
    let (testid, title_id) = if breakdown {
        ("usage", "portico-usage-title")
    } else {
        ("usage-trend", "portico-usage-trend-title")
    };
    view! {
        <Show when=any>
            <section class="portico-section" data-testid=testid aria-labelledby=title_id>
                <h3 id=title_id>{t.usage}</h3>
                <div class="portico-range" role="group" aria-label=t.usage_range>
                    {ranges.into_iter().map(|(value, code, label)| view! {
                        <button type="button" class="portico-button portico-button-secondary"
                            data-testid=format!("range-{code}")
                            aria-pressed=move || (range.get() == value).to_string()
                            on:click=move |_| {
                                if range.get_untracked() != value {
                                    range.set(value);
                                    portal.load_usage();
                                }
                            }>
                            {label}
                        </button>
                    }).collect_view()}
                </div>
                {move || portal.usage.get().map(|usage| view! { <UsageChart portal=portal usage=usage /> })}
                {move || breakdown.then(|| portal.usage.get()).flatten().map(|usage| {
                    let groups = breakdown_of(&usage, portal.locale);
                    view! { <Breakdown portal=portal groups=groups /> }
                })}
            </section>
        </Show>
    }
}

#[component]
fn UsageChart(portal: Portal, usage: Usage) -> impl IntoView {
    let t = portal.t();
    let locale = portal.locale;
    let series: Vec<&[i64]> = usage.meters.iter().map(|m| m.series.as_slice()).collect();
    let geometry: Chart = chart::layout(&series, locale.is_rtl());
    let buckets = geometry.bucket_x.len();
    let focused = RwSignal::new(None::<usize>);
    let description = usage
        .meters
        .iter()
        .map(|m| {
            format!(
                "{}: {}",
                m.name,
                crate::usage_view::quantity(m, m.total, locale)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let grid = geometry
        .value_ticks
        .iter()
        .map(|tick| {
            view! {
                <line class="portico-chart-grid" x1=svg(geometry.plot_left) x2=svg(geometry.plot_right)
                    y1=svg(tick.at) y2=svg(tick.at) />
                <text class="portico-chart-label" x=svg(geometry.value_label_x) y=svg(tick.at + 4.0)
                    text-anchor=if locale.is_rtl() { "start" } else { "end" }>
                    {crate::intl::number(locale, tick.value)}
                </text>
            }
        })
        .collect_view();
    let times = geometry
        .time_ticks
        .iter()
        .map(|tick| {
            let label = bucket_label(&usage, usize::try_from(tick.value).unwrap_or(0), locale);
            view! {
                <text class="portico-chart-label" x=svg(tick.at) y=svg(chart::HEIGHT - 8.0) text-anchor="middle">{label}</text>
            }
        })
        .collect_view();
    let paths = geometry
        .paths
        .iter()
        .zip(&usage.meters)
        .enumerate()
        .map(|(i, (d, meter))| {
            view! {
                <path class=format!("portico-series portico-series-{}", i % 6) d=d.clone()
                    data-testid="usage-series" data-meter=meter.key.clone() />
            }
        })
        .collect_view();
    let xs = geometry.bucket_x.clone();
    let marker = move || {
        focused.get().and_then(|i| xs.get(i).copied()).map(|x| {
            view! {
                <line class="portico-chart-focus" x1=svg(x) x2=svg(x) y1=svg(geometry.plot_top) y2=svg(geometry.plot_bottom) />
            }
        })
    };
    let for_tooltip = usage.clone();
    let tooltip = move || {
        focused.get().map(|index| {
            let lines = readings(&for_tooltip, index, locale)
                .into_iter()
                .map(|(name, value)| view! { <li><span>{name}</span>" "<strong>{value}</strong></li> })
                .collect_view();
            view! {
                <p class="portico-tooltip-time" data-testid="tooltip-time">{bucket_label(&for_tooltip, index, locale)}</p>
                <ul>{lines}</ul>
            }
        })
    };
    let hover_geometry = geometry.clone();
    let on_move = move |event: web_sys::MouseEvent| {
        let width = event
            .current_target()
            .and_then(|target| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(target).ok())
            .map_or(0, |element| element.client_width());
        if width > 0 {
            focused
                .try_set(hover_geometry.bucket_at(f64::from(event.offset_x()) / f64::from(width)));
        }
    };
    // Arrow keys move along the axis as drawn: right is later in LTR, earlier in
    // RTL, where time runs right to left.
    let rtl = locale.is_rtl();
    let on_key = move |event: web_sys::KeyboardEvent| {
        let Some(last) = buckets.checked_sub(1) else {
            return;
        };
        let Some(current) = focused.try_get_untracked() else {
            return;
        };
        let later = move |i: usize| (i + 1).min(last);
        let earlier = move |i: usize| i.saturating_sub(1);
        let next = match (event.key().as_str(), rtl) {
            ("ArrowRight", false) | ("ArrowLeft", true) => Some(current.map_or(0, later)),
            ("ArrowLeft", false) | ("ArrowRight", true) => Some(current.map_or(last, earlier)),
            ("Home", _) => Some(0),
            ("End", _) => Some(last),
            ("Escape", _) => None,
            _ => return,
        };
        event.prevent_default();
        focused.try_set(next);
    };
    let table_rows = (0..buckets)
        .map(|index| {
            let cells = usage
                .meters
                .iter()
                .map(|m| {
                    let value = m.series.get(index).copied().unwrap_or(0);
                    view! { <td class="portico-num">{crate::intl::number(locale, value)}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{bucket_label(&usage, index, locale)}</th>{cells}</tr> }
        })
        .collect_view();
    let headers = usage
        .meters
        .iter()
        .map(|m| view! { <th scope="col" class="portico-num">{format!("{} ({})", m.name, m.unit)}</th> })
        .collect_view();
    let legend = usage
        .meters
        .iter()
        .enumerate()
        .map(|(i, m)| {
            view! {
                <li><span class=format!("portico-swatch portico-series-{}", i % 6) aria-hidden="true"></span>{m.name.clone()}</li>
            }
        })
        .collect_view();
    view! {
        <figure class="portico-chart" data-testid="usage-chart" data-buckets=buckets>
            <svg viewBox=format!("0 0 {} {}", svg(chart::WIDTH), svg(chart::HEIGHT)) role="img" tabindex="0"
                aria-labelledby="portico-usage-chart-title portico-usage-chart-desc"
                data-testid="usage-svg"
                on:mousemove=on_move
                on:mouseleave=move |_| { focused.try_set(None); }
                on:blur=move |_| { focused.try_set(None); }
                on:keydown=on_key>
                <title id="portico-usage-chart-title">{t.usage_chart}</title>
                <desc id="portico-usage-chart-desc">{description}</desc>
                {grid}
                {times}
                {paths}
                {marker}
            </svg>
            <div class="portico-tooltip" role="status" aria-live="polite" data-testid="usage-tooltip">{tooltip}</div>
            <ul class="portico-legend">{legend}</ul>
            <details class="portico-chart-table">
                <summary>{t.usage_as_table}</summary>
                <div class="portico-table-scroll" role="region" tabindex="0" aria-label=t.usage_as_table>
                    <table class="portico-invoices" data-testid="usage-table">
                        <thead><tr><th scope="col">{t.date}</th>{headers}</tr></thead>
                        <tbody>{table_rows}</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}

#[component]
fn Breakdown(portal: Portal, groups: Vec<BreakdownGroup>) -> impl IntoView {
    let t = portal.t();
    let bodies = groups
        .into_iter()
        .map(|group| {
            let heading = group.name.map(|name| {
                view! { <tr class="portico-group"><th scope="rowgroup" colspan="4">{name}</th></tr> }
            });
            let rows = group
                .rows
                .into_iter()
                .map(|row| {
                    view! {
                        <tr data-testid="usage-row" data-meter=row.key>
                            <th scope="row">{row.name}</th>
                            <td class="portico-num" data-testid="usage-total">{row.total}</td>
                            <td class="portico-num" data-testid="usage-events">{row.events}</td>
                            <td class="portico-num" data-testid="usage-cost">{row.cost.unwrap_or_else(|| "—".to_owned())}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! { <tbody>{heading}{rows}</tbody> }
        })
        .collect_view();
    view! {
        <div class="portico-table-scroll" role="region" tabindex="0" aria-labelledby="portico-usage-breakdown">
            <table class="portico-invoices" data-testid="usage-breakdown">
                <caption id="portico-usage-breakdown">{t.usage_breakdown}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.feature}</th>
                        <th scope="col" class="portico-num">{t.total_usage}</th>
                        <th scope="col" class="portico-num">{t.usage_events}</th>
                        <th scope="col" class="portico-num">{t.usage_cost}</th>
                    </tr>
                </thead>
                {bodies}
            </table>
        </div>
    }
}
