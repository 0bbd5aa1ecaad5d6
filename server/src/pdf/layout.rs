//! A4 pages filled from the top down: text left- or right-aligned at a position,
//! rules, and a new page when the next block does not fit. Positions are PDF points
//! (1/72 inch) from the page's bottom left; they are layout, not money, so floats.

use super::text::{self, Font};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

pub const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
pub const LEFT: f32 = 56.0;
pub const RIGHT: f32 = PAGE_WIDTH - 56.0;
const TOP: f32 = PAGE_HEIGHT - 60.0;
/// Content stops here; the footer sits below.
const BOTTOM: f32 = 72.0;

/// Mid grey, for labels and secondary text.
pub const MUTED: f32 = 0.42;

pub struct Sheet {
    pages: Vec<Content>,
    /// The baseline the next line of text sits on.
    pub y: f32,
}

impl std::fmt::Debug for Sheet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sheet")
            .field("pages", &self.pages.len())
            .field("y", &self.y)
            .finish()
    }
}

impl Sheet {
    pub fn new() -> Self {
        Self {
            pages: vec![Content::new()],
            y: TOP,
        }
    }

    fn page(&mut self) -> &mut Content {
        self.pages.last_mut().expect("a sheet has a page")
    }

    /// Starts a new page if `height` more points do not fit on this one; says
    /// whether it did, so a table can repeat its header.
    pub fn reserve(&mut self, height: f32) -> bool {
        if self.y - height >= BOTTOM {
            return false;
        }
        self.pages.push(Content::new());
        self.y = TOP;
        true
    }

    pub fn down(&mut self, points: f32) {
        self.y -= points;
    }

    pub fn text(&mut self, x: f32, font: Font, size: f32, gray: f32, content: &str) {
        let y = self.y;
        show(self.page(), (x, y), font, size, gray, content);
    }

    /// Text that ends at `right`, for amounts.
    pub fn text_right(&mut self, right: f32, font: Font, size: f32, gray: f32, content: &str) {
        let x = right - text::width(content, font, size);
        self.text(x, font, size, gray, content);
    }

    /// A hairline from `LEFT` to `RIGHT`, a little below the current baseline.
    pub fn rule(&mut self, from: f32) {
        let y = self.y - 4.0;
        let page = self.page();
        page.set_stroke_gray(0.75);
        page.set_line_width(0.5);
        page.move_to(from, y);
        page.line_to(RIGHT, y);
        page.stroke();
    }

    /// The PDF: every page with `footer` and "Page i of n" at its foot.
    pub fn finish(mut self, title: &str, footer: &str) -> Vec<u8> {
        let count = self.pages.len();
        for (index, page) in self.pages.iter_mut().enumerate() {
            let y = BOTTOM - 28.0;
            show(page, (LEFT, y), Font::Regular, 8.0, MUTED, footer);
            let number = format!("Page {} of {count}", index + 1);
            let x = RIGHT - text::width(&number, Font::Regular, 8.0);
            show(page, (x, y), Font::Regular, 8.0, MUTED, &number);
        }

        let mut pdf = Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let info = Ref::new(3);
        let fonts = [(Font::Regular, Ref::new(4)), (Font::Bold, Ref::new(5))];
        // Each page takes two ids: the page and its content stream.
        let first_page = 6;
        let page_ids: Vec<Ref> = (0..count)
            .map(|i| Ref::new(first_page + 2 * i as i32))
            .collect();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().copied())
            .count(count as i32);
        pdf.document_info(info)
            .title(TextStr(title))
            .producer(TextStr("Portico"));
        for (font, id) in fonts {
            pdf.type1_font(id)
                .base_font(Name(font.base_font()))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        for (page, id) in self.pages.into_iter().zip(&page_ids) {
            let content_id = Ref::new(id.get() + 1);
            let mut writer = pdf.page(*id);
            writer
                .parent(tree)
                .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
                .contents(content_id);
            let mut resources = writer.resources();
            let mut font_dict = resources.fonts();
            for (font, font_id) in fonts {
                font_dict.pair(Name(font.resource()), font_id);
            }
            font_dict.finish();
            resources.finish();
            writer.finish();
            pdf.stream(content_id, &page.finish());
        }
        pdf.finish()
    }
}

fn show(page: &mut Content, (x, y): (f32, f32), font: Font, size: f32, gray: f32, content: &str) {
    page.set_fill_gray(gray);
    page.begin_text();
    page.set_font(Name(font.resource()), size);
    page.next_line(x, y);
    page.show(Str(&text::encode(content)));
    page.end_text();
}
