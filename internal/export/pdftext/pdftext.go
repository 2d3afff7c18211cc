// Package pdftext reads the text of a PDF for tests, page by page, as
// pdftotext (Debian poppler-utils, installed by ./scripts/test) reads it.
package pdftext

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// Pages returns the text of each page of data; it skips the test when
// pdftotext is not installed, and fails it when pdftotext cannot read data.
func Pages(t testing.TB, data []byte) []string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (Debian poppler-utils) is not installed: the PDF's text is not checked")
	}
	cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("pdftotext: %v %s", err, stderr.String())
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f\n"), "\f")
	for i := range pages {
		pages[i] = strings.TrimSpace(pages[i])
	}
	return pages
}

// Text returns the text of data, pages joined by blank lines.
func Text(t testing.TB, data []byte) string {
	t.Helper()
	return strings.Join(Pages(t, data), "\n\n")
}
