package oppo

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/pushsim/pushsim/emulators/world"
)

// Picture upload paths, served on the media host api-media.push.heytapmobi.com
// (vendor-facts huawei-oppo-fcm-honor.md §2.1, OPPO-SDK): a multipart form
// with auth_token, picture_ttl and file, answered with data.small_picture_id
// or data.big_picture_id.
const (
	PathUploadSmallPicture = "/server/v1/media/upload/small_picture"
	PathUploadBigPicture   = "/server/v1/media/upload/big_picture"
)

// Documented picture sizes (§2.1): small ≤ 50 KB, big ≤ 1 MB.
const (
	smallPictureMax = 50 << 10
	bigPictureMax   = 1 << 20
	// pictureBodyMax bounds the whole multipart body: a big picture and
	// its form fields.
	pictureBodyMax = bigPictureMax + 64<<10
)

const (
	codeInvalidPicture = 51
	rulePicture        = "oppo.media.picture"
)

func init() {
	codeText[codeInvalidPicture] = "Invalid Picture" // the table's meaning (§2.4); the English wording is inferred
	rules = append(rules, world.Rule{ID: rulePicture,
		Statement: "POST .../media/upload/small_picture and .../big_picture take a multipart form (auth_token, picture_ttl, file) and answer data.small_picture_id or data.big_picture_id; a missing file → 40, picture_ttl not a number → 41, a file that is not an image or over 50 KB (small) / 1 MB (big) → 51 Invalid Picture. The emulator keeps no picture.",
		Level:     world.SHOULD, Source: srcMain + "§2.1, §2.4 (OPPO-SDK)", Confidence: "secondary"})
}

func (e *Emulator) serveSmallPicture(rw http.ResponseWriter, r *http.Request) {
	e.servePicture(rw, r, false)
}

func (e *Emulator) serveBigPicture(rw http.ResponseWriter, r *http.Request) {
	e.servePicture(rw, r, true)
}

// servePicture serves both picture uploads; big says which.
func (e *Emulator) servePicture(rw http.ResponseWriter, r *http.Request, big bool) {
	now := e.w.Now()
	path, max, key := PathUploadSmallPicture, smallPictureMax, "small_picture_id"
	if big {
		path, max, key = PathUploadBigPicture, bigPictureMax, "big_picture_id"
	}
	entry := world.Entry{Kind: world.KindRequest, Vendor: "oppo", Method: r.Method, Path: path, Status: http.StatusOK, At: now}
	if r.Method != http.MethodPost {
		e.reject(rw, &entry, r, session{}, codeMethod, "oppo.request.method", "every OPPO call is a POST")
		return
	}
	r.Body = http.MaxBytesReader(rw, r.Body, pictureBodyMax)
	if err := r.ParseMultipartForm(pictureBodyMax); err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			e.reject(rw, &entry, r, session{}, codeInvalidPicture, rulePicture, "the upload is larger than "+strconv.Itoa(max)+" bytes")
			return
		}
		e.reject(rw, &entry, r, session{}, codeInvalidArgs, "oppo.request.form", "the body is not a multipart form")
		return
	}
	defer r.MultipartForm.RemoveAll()
	s, code, rule, reason := e.authenticate(r, now)
	if code == codeSuccess {
		code, rule, reason = e.rateLimit(s.app, now) // faults.go
	}
	if code != codeSuccess {
		e.reject(rw, &entry, r, s, code, rule, reason)
		return
	}
	if ttl := r.Form.Get("picture_ttl"); ttl != "" {
		if _, err := strconv.Atoi(ttl); err != nil {
			e.reject(rw, &entry, r, s, codeInvalidArgs, rulePicture, "picture_ttl is not a number of seconds")
			return
		}
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		e.reject(rw, &entry, r, s, codeMissingArgs, rulePicture, "form file field file is missing")
		return
	}
	defer f.Close()
	if hdr.Size > int64(max) {
		e.reject(rw, &entry, r, s, codeInvalidPicture, rulePicture, "the picture has "+strconv.FormatInt(hdr.Size, 10)+" bytes, at most "+strconv.Itoa(max)+" are allowed")
		return
	}
	var head [512]byte
	n, _ := io.ReadFull(f, head[:])
	if !strings.HasPrefix(http.DetectContentType(head[:n]), "image/") {
		e.reject(rw, &entry, r, s, codeInvalidPicture, rulePicture, "the file is not a picture")
		return
	}
	id := e.w.RandString(24, world.Hex)
	b := append(make([]byte, 0, 96), `{"code":0,"message":"","data":{"`...)
	b = append(b, key...)
	b = append(b, `":`...)
	b = appendJSONString(b, id)
	b = append(b, "}}"...)
	entry.App, entry.Code, entry.Verdict, entry.Rule = s.app.Name, "0", world.VerdictAccepted, rulePicture
	entry.Reason = "picture of " + strconv.FormatInt(hdr.Size, 10) + " bytes: " + key + " " + id
	entry.Response = string(b)
	e.w.Record(entry)
	writeJSON(rw, http.StatusOK, b)
}
