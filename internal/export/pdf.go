package export

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
)

// ContentTypePDF is the type to send with a PDF.
const ContentTypePDF = "application/pdf"

// The DejaVu fonts are embedded so that a PDF comes out the same on any
// machine, whatever fonts it has (fonts/LICENSE).
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

const fontFamily = "DejaVu"

// Page geometry, in millimetres (A4 portrait).
const (
	pageWidth    = 210.0
	pageHeight   = 297.0
	marginSide   = 20.0
	marginTop    = 22.0
	marginBottom = 24.0 // the footer lives in it
	contentWidth = pageWidth - 2*marginSide
	pageBottom   = pageHeight - marginBottom
	headerY      = 11.0 // running header on pages after the first
	footerY      = 280.0
)

type rgb [3]int

var (
	colorText    = rgb{33, 37, 41}
	colorMuted   = rgb{96, 102, 110}
	colorHeading = rgb{23, 52, 89}
	colorRule    = rgb{190, 196, 204}
	colorHeadRow = rgb{232, 237, 243}
)

// style is a font and the height of its lines.
type style struct {
	bold  bool
	size  float64 // points
	line  float64 // line height, mm
	color rgb
}

var (
	styleTitle    = style{bold: true, size: 18, line: 8.5, color: colorText}
	styleSubtitle = style{size: 11, line: 5.6, color: colorMuted}
	styleHeading  = style{bold: true, size: 12.5, line: 6.4, color: colorHeading}
	styleBody     = style{size: 10, line: 5, color: colorText}
	styleLabel    = style{bold: true, size: 10, line: 5, color: colorText}
	styleCell     = style{size: 9, line: 4.4, color: colorText}
	styleCellHead = style{bold: true, size: 9, line: 4.4, color: colorText}
	styleNote     = style{size: 8.5, line: 4.2, color: colorMuted}
	styleRunning  = style{size: 8, line: 4, color: colorMuted}
)

// PDF is a simple paginated A4 document: a title, headings, paragraphs,
// fields, bullets, tables. Blocks are added top to bottom; pages break
// between lines, never inside one, and a heading is never left alone at
// the bottom of a page. The footer and the page numbers ("page 2 / 5") are
// drawn on every page when the document is written.
//
// Text is UTF-8 (DejaVu Sans covers French and most European scripts);
// control characters are dropped and characters outside the Basic
// Multilingual Plane (emoji) are shown as U+FFFD. Errors are kept and
// returned by Write.
type PDF struct {
	f       *fpdf.Fpdf
	title   string
	footer  string
	written bool
	// heading waits to be drawn with the start of what follows it.
	heading string
}

// NewPDF starts a document. title is the document's metadata title and a
// small running header on pages after the first; footer is printed on
// every page, with "page X / N" on the right.
func NewPDF(title, footer string) *PDF {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: pageWidth, Ht: pageHeight}})
	p := &PDF{f: f, title: oneLine(title), footer: oneLine(footer)}
	f.SetMargins(marginSide, marginTop, marginSide)
	f.SetAutoPageBreak(false, marginBottom) // breaks are placed by the blocks
	f.SetCellMargin(0)
	f.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	f.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	f.SetTitle(p.title, true)
	f.SetCreator("Passerelle", true)
	f.SetProducer("Passerelle", true)
	f.SetLang("fr-FR")
	f.AddPage()
	p.use(styleBody)
	return p
}

// Title writes the large bold heading at the top of the document.
func (p *PDF) Title(s string) {
	p.block(styleTitle, oneLine(s), 1.5)
}

// Subtitle writes a smaller grey line under the title.
func (p *PDF) Subtitle(s string) {
	p.block(styleSubtitle, oneLine(s), 4)
}

// Heading starts a section. It is drawn with the block that follows it,
// on the next page when the start of that block (three lines of text, a
// table's header and first row) would not fit under it.
func (p *PDF) Heading(s string) {
	s = oneLine(s)
	if s == "" {
		return
	}
	p.flushHeading(3 * styleBody.line)
	p.heading = s
}

// flushHeading draws the waiting heading, if any, with need millimetres
// of what follows it on the same page.
func (p *PDF) flushHeading(need float64) {
	s := p.heading
	if s == "" {
		return
	}
	p.heading = ""
	p.use(styleHeading)
	lines := p.wrap(s, contentWidth)
	before := 5.0
	if p.atTop() {
		before = 0
	}
	h := float64(len(lines))*styleHeading.line + 2.2
	if p.f.GetY()+before+h+need > pageBottom {
		p.newPage()
		before = 0
	}
	p.f.SetY(p.f.GetY() + before)
	for _, l := range lines {
		p.textLine(l, styleHeading)
	}
	y := p.f.GetY() + 0.6
	p.rule(marginSide, y, marginSide+contentWidth, y, colorRule, 0.3)
	p.f.SetY(y + 1.6)
}

// Paragraph writes wrapped text, keeping the line breaks of s; an empty s
// writes nothing.
func (p *PDF) Paragraph(s string) {
	p.block(styleBody, s, 2.5)
}

// Note writes small grey text.
func (p *PDF) Note(s string) {
	p.block(styleNote, s, 2)
}

// Fields writes "label: value" rows: the label bold in a left column, the
// value wrapped beside it.
func (p *PDF) Fields(pairs [][2]string) {
	if len(pairs) == 0 {
		return
	}
	p.use(styleLabel)
	labelW := 0.0
	for _, kv := range pairs {
		labelW = max(labelW, p.f.GetStringWidth(oneLine(kv[0])))
	}
	labelW = min(max(labelW+5, 30), 62)
	cols := []column{{x: marginSide, w: labelW - 4}, {x: marginSide + labelW, w: contentWidth - labelW}}
	for _, kv := range pairs {
		p.row(cols, []string{oneLine(kv[0]), kv[1]}, []style{styleLabel, styleBody}, 0.7, rowLook{}, repeat{})
	}
	p.space(2)
}

// Bullets writes a bulleted list of wrapped items; empty items are left out.
func (p *PDF) Bullets(items []string) {
	items = slices.DeleteFunc(slices.Clone(items), func(it string) bool { return strings.TrimSpace(clean(it)) == "" })
	if len(items) == 0 {
		return
	}
	cols := []column{{x: marginSide + 1.5, w: 4}, {x: marginSide + 6, w: contentWidth - 6}}
	for _, it := range items {
		p.row(cols, []string{"•", it}, []style{styleBody, styleBody}, 0.6, rowLook{}, repeat{})
	}
	p.space(2)
}

// Table writes a table across the text width. widths are relative (nil:
// equal columns); cells wrap. A row is never split across pages unless it
// is taller than a page, and the header row is repeated after a page break.
// header may be empty for a table without a header row; otherwise each row
// has as many cells as the header.
func (p *PDF) Table(header []string, widths []float64, rows [][]string) {
	n := len(header)
	if n == 0 {
		n = len(widths)
	}
	if n == 0 && len(rows) > 0 {
		n = len(rows[0])
	}
	if n == 0 {
		return
	}
	cols, err := tableColumns(n, widths)
	if err != nil {
		p.f.SetError(err)
		return
	}
	for i, r := range rows {
		if len(r) != n {
			p.f.SetErrorf("export: table row %d has %d cells, want %d", i+1, len(r), n)
			return
		}
	}
	bodyStyles := make([]style, n)
	headStyles := make([]style, n)
	for i := range n {
		bodyStyles[i], headStyles[i] = styleCell, styleCellHead
	}
	headLook := rowLook{fill: &colorHeadRow, rule: colorText, ruleWidth: 0.3, padX: 1.8}
	bodyLook := rowLook{rule: colorRule, ruleWidth: 0.2, padX: 1.8}
	var again repeat
	if len(header) > 0 {
		again.height = p.rowHeight(cols, header, headStyles, 1.6, headLook)
		again.draw = func() { p.row(cols, header, headStyles, 1.6, headLook, repeat{}) }
		// The header and the first row go together (with the heading
		// before them): the whole row when it fits on a page, as row
		// then moves it whole, else its first lines.
		first := 0.0
		if len(rows) > 0 {
			first = p.rowHeight(cols, rows[0], bodyStyles, 1.4, bodyLook)
			if first > pageBottom-marginTop-again.height {
				first = 3*styleCell.line + 2*1.4
			}
		}
		p.flushHeading(again.height + first)
		if p.f.GetY()+again.height+first > pageBottom {
			p.newPage()
		}
		again.draw()
		if again.height > (pageBottom-marginTop)/2 {
			again = repeat{} // a header that tall is not worth repeating
		}
	}
	for _, r := range rows {
		p.row(cols, r, bodyStyles, 1.4, bodyLook, again)
	}
	p.space(3)
}

// tableColumns spreads the text width over n columns in the proportions
// of widths.
func tableColumns(n int, widths []float64) ([]column, error) {
	if widths == nil {
		widths = make([]float64, n)
		for i := range widths {
			widths[i] = 1
		}
	}
	if len(widths) != n {
		return nil, fmt.Errorf("export: table has %d widths for %d columns", len(widths), n)
	}
	total := 0.0
	for _, w := range widths {
		if !(w > 0) {
			return nil, fmt.Errorf("export: table width %v is not positive", w)
		}
		total += w
	}
	cols := make([]column, n)
	x := float64(marginSide)
	for i, w := range widths {
		cols[i] = column{x: x, w: contentWidth * w / total}
		x += cols[i].w
	}
	return cols, nil
}

// Write finishes the document (footer and page numbers on every page,
// running header after the first) and writes it to w. It returns the
// first error met while building the document, if any. A document is
// written once.
func (p *PDF) Write(w io.Writer) error {
	if p.written {
		return errors.New("export: PDF already written")
	}
	p.written = true
	p.flushHeading(0)
	if err := p.f.Error(); err != nil {
		return fmt.Errorf("export: PDF: %w", err)
	}
	p.decorate()
	if err := p.f.Output(w); err != nil {
		return fmt.Errorf("export: PDF: %w", err)
	}
	return nil
}

// decorate draws the running header and the footer on every page, now
// that the number of pages is known.
func (p *PDF) decorate() {
	f := p.f
	last := f.PageCount()
	for n := 1; n <= last; n++ {
		f.SetPage(n)
		// The page's content stream may have left any font or colour set:
		// set them again for this drawing.
		f.SetFont(fontFamily, "", 1)
		f.SetFillColor(255, 255, 255)
		if n > 1 && p.title != "" {
			p.use(styleRunning)
			f.SetXY(marginSide, headerY)
			f.CellFormat(contentWidth, styleRunning.line, p.fit(p.title, contentWidth), "", 0, "L", false, 0, "")
			p.rule(marginSide, headerY+styleRunning.line+0.8, marginSide+contentWidth, headerY+styleRunning.line+0.8, colorRule, 0.2)
		}
		p.rule(marginSide, footerY-1.5, marginSide+contentWidth, footerY-1.5, colorRule, 0.2)
		p.use(styleRunning)
		number := "page " + strconv.Itoa(n) + " / " + strconv.Itoa(last)
		numberW := f.GetStringWidth(number)
		f.SetXY(marginSide, footerY)
		f.CellFormat(contentWidth-numberW-6, styleRunning.line, p.fit(p.footer, contentWidth-numberW-6), "", 0, "L", false, 0, "")
		f.SetXY(marginSide+contentWidth-numberW, footerY)
		f.CellFormat(numberW, styleRunning.line, number, "", 0, "R", false, 0, "")
	}
	f.SetPage(last)
}

// column is where a column of a row is drawn: its left edge and width.
type column struct{ x, w float64 }

// rowLook is how a row is painted.
type rowLook struct {
	fill      *rgb    // background, or none
	rule      rgb     // colour of the line under the row
	ruleWidth float64 // 0: no line
	padX      float64 // inner margin of each cell
}

// rowHeight is the height of a row drawn on one page.
func (p *PDF) rowHeight(cols []column, cells []string, styles []style, padY float64, look rowLook) float64 {
	h := 0.0
	for i, c := range cells {
		p.use(styles[i])
		h = max(h, float64(len(p.wrap(c, cols[i].w-2*look.padX)))*styles[i].line)
	}
	return h + 2*padY
}

// repeat is what is drawn again at the top of a page a row continues
// on (a table's header), and its height.
type repeat struct {
	draw   func()
	height float64
}

// row draws cells side by side. It starts on a new page (drawing again
// what must be repeated) when the row does not fit in what is left of the
// page; a row taller than a page starts where it is and is split between
// lines.
func (p *PDF) row(cols []column, cells []string, styles []style, padY float64, look rowLook, again repeat) {
	lines := make([][]string, len(cells))
	height := 0.0 // of the content
	for i, c := range cells {
		p.use(styles[i])
		lines[i] = p.wrap(c, cols[i].w-2*look.padX)
		height = max(height, float64(len(lines[i]))*styles[i].line)
	}
	if height == 0 {
		return
	}
	p.flushHeading(3 * styleBody.line)
	breakPage := func() {
		p.newPage()
		if again.draw != nil {
			again.draw()
		}
	}
	fitsAPage := height+2*padY <= pageBottom-marginTop-again.height
	if p.f.GetY()+height+2*padY > pageBottom && !p.atTop() && fitsAPage {
		breakPage()
	}
	// Draw the row in slices of whole lines, one per page; a row that
	// fits is one slice.
	from := 0.0 // top of the slice, from the top of the row
	for from < height {
		y := p.f.GetY()
		room := pageBottom - y - 2*padY
		to := height
		for i := range lines {
			// A column whose lines all fit does not limit the slice.
			n := len(lines[i])
			if end := sliceEnd(n, styles[i].line, from, room); end < float64(n)*styles[i].line-0.01 {
				to = min(to, end)
			}
		}
		if to <= from { // not even one line fits
			if p.atTop() {
				return // cannot happen with these styles; never loop
			}
			breakPage()
			continue
		}
		bottom := 0.0
		for i := range lines {
			for j := range lines[i] {
				if top := float64(j) * styles[i].line; top >= from-0.01 && top < to-0.01 {
					bottom = max(bottom, top+styles[i].line-from)
				}
			}
		}
		h := bottom + 2*padY
		if look.fill != nil {
			p.f.SetFillColor(look.fill[0], look.fill[1], look.fill[2])
			p.f.Rect(cols[0].x, y, cols[len(cols)-1].x+cols[len(cols)-1].w-cols[0].x, h, "F")
		}
		for i := range lines {
			st := styles[i]
			p.use(st)
			for j, l := range lines[i] {
				if top := float64(j) * st.line; top >= from-0.01 && top < to-0.01 {
					p.f.SetXY(cols[i].x+look.padX, y+padY+top-from)
					p.f.CellFormat(cols[i].w-2*look.padX, st.line, l, "", 0, "L", false, 0, "")
				}
			}
		}
		if look.ruleWidth > 0 {
			p.rule(cols[0].x, y+h, cols[len(cols)-1].x+cols[len(cols)-1].w, y+h, look.rule, look.ruleWidth)
		}
		p.f.SetY(y + h)
		from = to
		if from < height-0.01 {
			breakPage()
		}
	}
}

// sliceEnd returns where, from the top of a row, a column of n lines of
// height lh stops when its slice starts at from and room millimetres are
// free: the bottom of the last whole line that fits, or from if none does.
func sliceEnd(n int, lh, from, room float64) float64 {
	end := from
	for j := range n {
		top := float64(j) * lh
		if top < from-0.01 {
			continue
		}
		if top+lh-from > room+0.01 {
			break
		}
		end = top + lh
	}
	return end
}

// block writes wrapped text in one style over the text width, then
// leaves after millimetres. Pages break between lines; a block of two
// lines or more never leaves its first line alone at the bottom of a page.
func (p *PDF) block(st style, s string, after float64) {
	s = clean(s)
	if strings.TrimSpace(s) == "" {
		return
	}
	p.flushHeading(3 * styleBody.line)
	p.use(st)
	lines := p.wrap(s, contentWidth)
	if p.f.GetY()+float64(min(len(lines), 2))*st.line > pageBottom {
		p.newPage()
	}
	for _, l := range lines {
		if p.f.GetY()+st.line > pageBottom {
			p.newPage()
			p.use(st)
		}
		p.textLine(l, st)
	}
	p.space(after)
}

// textLine writes one line across the text width at the current height
// and moves below it.
func (p *PDF) textLine(s string, st style) {
	p.use(st)
	p.f.SetXY(marginSide, p.f.GetY())
	p.f.CellFormat(contentWidth, st.line, s, "", 2, "L", false, 0, "")
}

// space moves down by h, unless at the top of a page.
func (p *PDF) space(h float64) {
	if !p.atTop() {
		p.f.SetY(min(p.f.GetY()+h, pageBottom))
	}
}

func (p *PDF) atTop() bool { return p.f.GetY() <= marginTop+0.01 }

func (p *PDF) newPage() {
	p.f.AddPage()
	p.f.SetY(marginTop)
}

func (p *PDF) use(st style) {
	font := ""
	if st.bold {
		font = "B"
	}
	p.f.SetFont(fontFamily, font, st.size)
	p.f.SetTextColor(st.color[0], st.color[1], st.color[2])
}

func (p *PDF) rule(x1, y1, x2, y2 float64, c rgb, width float64) {
	p.f.SetDrawColor(c[0], c[1], c[2])
	p.f.SetLineWidth(width)
	p.f.Line(x1, y1, x2, y2)
}

// fit cuts s with an ellipsis so that it holds in width w in the current font.
func (p *PDF) fit(s string, w float64) string {
	if p.f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && p.f.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + "…"
}

// wrap cuts s into lines no wider than w in the current font: at spaces,
// and inside a word only when the word alone is wider than w. Line
// breaks of s are kept; an empty line stays an empty line.
func (p *PDF) wrap(s string, w float64) []string {
	s = strings.TrimRight(clean(s), " \n")
	if s == "" {
		return nil
	}
	space := p.f.GetStringWidth(" ")
	var out []string
	for _, hard := range strings.Split(s, "\n") {
		var line strings.Builder
		lineW := 0.0
		flush := func() {
			out = append(out, line.String())
			line.Reset()
			lineW = 0
		}
		words := strings.FieldsFunc(hard, func(r rune) bool { return r == ' ' })
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		for _, word := range words {
			ww := p.f.GetStringWidth(word)
			if line.Len() > 0 && lineW+space+ww <= w {
				line.WriteByte(' ')
				line.WriteString(word)
				lineW += space + ww
				continue
			}
			if line.Len() > 0 {
				flush()
			}
			if ww <= w {
				line.WriteString(word)
				lineW = ww
				continue
			}
			// A word wider than the line: cut it between characters.
			for _, r := range word {
				rw := p.f.GetStringWidth(string(r))
				if line.Len() > 0 && lineW+rw > w {
					flush()
				}
				line.WriteRune(r)
				lineW += rw
			}
		}
		flush()
	}
	return out
}

// clean makes s printable: line breaks as "\n", tabs as spaces, no other
// control characters, and characters beyond the Basic Multilingual Plane
// (which the font tables do not cover) replaced.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\r':
			return '\n'
		case r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		case r > 0xffff:
			return '\ufffd'
		}
		return r
	}, s)
}

// oneLine is clean(s) on a single line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}
