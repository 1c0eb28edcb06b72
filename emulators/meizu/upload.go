package meizu

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
)

// PathUploadImg turns an external picture URL into a Meizu-hosted one, for
// vipInfo's and noticeExpandInfo's picture fields (vendor-facts §2.1, §2.4).
const PathUploadImg = "/garcia/api/server/push/uploadImg"

// hostedImgBase is where the emulator says it keeps pictures. Meizu's real
// host is not in the facts (inferred); the emulator fetches nothing.
const hostedImgBase = "https://push-img.meizu.com/img/"

// imgURLMax bounds imgUrl (not documented; the click URL's 1000 bytes).
const imgURLMax = 1000

// uploadImg serves uploadImg: signed and rate-limited like every Meizu
// call; imgType (an integer) and imgUrl (an http or https URL) are
// required. The answer's value is {imgType, imgUrl} with the hosted URL.
func (e *Emulator) uploadImg(w http.ResponseWriter, r *http.Request, rt route) {
	var c call
	if rej := c.begin(e, w, r, rt); rej.code != "" {
		c.refuse(w, rej)
		return
	}
	rawType, rawURL := c.form.Get("imgType"), c.form.Get("imgUrl")
	switch {
	case rawType == "":
		c.refuse(w, rejection{codeEmpty, ruleUploadImg, "imgType is missing"})
		return
	case rawURL == "":
		c.refuse(w, rejection{codeEmpty, ruleUploadImg, "imgUrl is missing"})
		return
	}
	imgType, err := strconv.Atoi(rawType)
	if err != nil {
		c.refuse(w, rejection{codeParameter, ruleUploadImg, "imgType " + strconv.Quote(truncate(rawType, 20)) + " is not a number"})
		return
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(rawURL) > imgURLMax {
		c.refuse(w, rejection{codeParameter, ruleUploadImg, "imgUrl is not an http(s) URL of at most 1000 bytes"})
		return
	}
	sum := md5.Sum([]byte(c.app.ID + "\x00" + rawURL))
	hosted := hostedImgBase + hex.EncodeToString(sum[:])
	b := append(make([]byte, 0, 160), `{"code":"200","message":"","value":{"imgType":`...)
	b = strconv.AppendInt(b, int64(imgType), 10)
	b = append(b, `,"imgUrl":`...)
	b = appendString(b, hosted)
	b = append(b, `},"redirect":""}`...)
	c.accept(w, b, "", ruleUploadImg, "picture "+truncate(rawURL, 200)+" hosted as "+hosted)
}
