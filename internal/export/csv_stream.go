package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
)

// CSVWriter writes a CSV file row by row, in the format of WriteCSV (BOM,
// ";" separators, CRLF, the same cells and the same formula guard), for
// tables too large to hold in memory: a département's pseudonymised
// records. Each row is checked before it is written.
type CSVWriter struct {
	bw      *bufio.Writer
	cw      *csv.Writer
	columns []string
	record  []string
	rows    int
}

// NewCSVWriter writes the byte order mark and the header row.
func NewCSVWriter(w io.Writer, columns []string) (*CSVWriter, error) {
	if len(columns) == 0 {
		return nil, fmt.Errorf("export: table has no columns")
	}
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	c := &CSVWriter{bw: bw, cw: cw, columns: columns, record: make([]string, len(columns))}
	for j, label := range columns {
		c.record[j] = csvString(label)
	}
	return c, cw.Write(c.record)
}

// Write writes one row; cells are those of Table.
func (c *CSVWriter) Write(row ...any) error {
	c.rows++
	if len(row) != len(c.columns) {
		return fmt.Errorf("export: row %d has %d cells, want %d", c.rows, len(row), len(c.columns))
	}
	for j, v := range row {
		if err := validateCell(v); err != nil {
			return fmt.Errorf("export: row %d, column %d (%q): %w", c.rows, j+1, c.columns[j], err)
		}
		c.record[j] = csvText(v)
	}
	return c.cw.Write(c.record)
}

// Rows is how many rows were written, the header aside.
func (c *CSVWriter) Rows() int { return c.rows }

// Close flushes what is buffered; it does not close the underlying writer.
func (c *CSVWriter) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}
