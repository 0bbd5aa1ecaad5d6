//! Text for the base-14 Helvetica: WinAnsi bytes and widths.
//!
//! The standard fonts need no font file, so a PDF is a few kilobytes and every reader
//! shows it the same; the price is their encoding. WinAnsi (Windows-1252) covers
//! Latin-1 and a few more (€, –, “ ”, Š, Œ…); any other character (Arabic, Greek,
//! CJK, emoji) has no glyph there and is written as `?` rather than dropped, so a
//! reader sees that something was lost. Embedding a Unicode font would lift this.

/// The two faces the invoice uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Font {
    Regular,
    Bold,
}

impl Font {
    /// The resource name a page's content refers to the font by.
    pub fn resource(self) -> &'static [u8] {
        match self {
            Self::Regular => b"F1",
            Self::Bold => b"F2",
        }
    }

    pub fn base_font(self) -> &'static [u8] {
        match self {
            Self::Regular => b"Helvetica",
            Self::Bold => b"Helvetica-Bold",
        }
    }

    /// Advance widths of WinAnsi codes 32..=255 in thousandths of the font size.
    fn widths(self) -> &'static [u16; 224] {
        match self {
            Self::Regular => &HELVETICA,
            Self::Bold => &HELVETICA_BOLD,
        }
    }
}

/// `text` in WinAnsi bytes: one byte per character, `?` for what it lacks and a
/// space for control characters.
pub fn encode(text: &str) -> Vec<u8> {
    text.chars().map(win_ansi).collect()
}

fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        // Latin-1's upper half has the same codes in WinAnsi.
        '\u{a0}'..='\u{ff}' => c as u8,
        c if c.is_control() => b' ',
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        _ => b'?',
    }
}

/// The width of `text` set in `font` at `size` points, in points.
pub fn width(text: &str, font: Font, size: f32) -> f32 {
    let widths = font.widths();
    let units: u32 = encode(text)
        .into_iter()
        .map(|byte| u32::from(widths[usize::from(byte.max(32)) - 32]))
        .sum();
    units as f32 * size / 1000.0
}

/// `text` broken into lines no wider than `max_width`, at spaces; a word longer
/// than a line is cut.
pub fn wrap(text: &str, font: Font, size: f32, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate, font, size) <= max_width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        for c in word.chars() {
            if !current.is_empty() && width(&format!("{current}{c}"), font, size) > max_width {
                lines.push(std::mem::take(&mut current));
            }
            current.push(c);
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

// From Adobe's AFM files for Helvetica and Helvetica-Bold (as groff's `devps` ships
// them), by WinAnsi code from 32; 0 marks the five codes WinAnsi leaves undefined.
#[rustfmt::skip]
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 578, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];
#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_text_keeps_its_letters_and_the_rest_becomes_question_marks() {
        assert_eq!(
            encode("Müller – 3 × Team €"),
            b"M\xfcller \x96 3 \xd7 Team \x80"
        );
        assert_eq!(encode("شركة Ltd"), b"???? Ltd");
    }

    #[test]
    fn widths_are_helveticas() {
        // Digits are 556 thousandths wide in both faces: amounts line up.
        assert!((width("10.00", Font::Regular, 10.0) - 25.02).abs() < 1e-3);
        assert!(width("Total", Font::Bold, 10.0) > width("Total", Font::Regular, 10.0));
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_cuts_long_words() {
        let lines = wrap(
            "Unused time on 3 × Team after 22 Nov 2026",
            Font::Regular,
            10.0,
            80.0,
        );
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l, Font::Regular, 10.0) <= 80.0));
        assert_eq!(lines.join(" "), "Unused time on 3 × Team after 22 Nov 2026");
        let cut = wrap(&"W".repeat(40), Font::Regular, 10.0, 50.0);
        assert!(cut.len() > 1 && cut.concat() == "W".repeat(40));
        assert_eq!(wrap("", Font::Regular, 10.0, 50.0), vec![String::new()]);
    }
}
