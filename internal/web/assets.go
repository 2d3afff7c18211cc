package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// assetSet serves the embedded static files under content-hashed URLs
// (/static/<hash>/<path>), cached for a year since a change changes the URL.
type assetSet struct {
	hashes map[string]string // path → short hash
	files  map[string][]byte
}

func loadAssets() (*assetSet, error) {
	a := &assetSet{hashes: map[string]string{}, files: map[string][]byte{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		a.hashes[rel] = hex.EncodeToString(sum[:6])
		a.files[rel] = b
		return nil
	})
	return a, err
}

// URL returns the hashed URL of an asset; it panics on an unknown asset so
// that a template naming a missing file fails at start.
func (a *assetSet) URL(rel string) string {
	h, ok := a.hashes[rel]
	if !ok {
		panic("unknown asset " + rel)
	}
	return "/static/" + h + "/" + rel
}

func (a *assetSet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/static/")
	hash, rel, ok := strings.Cut(rest, "/")
	b, found := a.files[rel]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	if ct := mime.TypeByExtension(path.Ext(rel)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if hash == a.hashes[rel] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Write(b)
}
