package oppo_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/oppo"
)

// pngOf makes a file sniffed as image/png, padded to size bytes.
func pngOf(size int) []byte {
	b := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 0, size)...)
	for len(b) < size {
		b = append(b, 0)
	}
	return b
}

// Picture uploads (vendor-facts/huawei-oppo-fcm-honor.md §2.1, §2.4).
var _ = Describe("OPPO picture upload", func() {
	var (
		f   *fixture
		tok string
	)
	BeforeEach(func() {
		f = newFixture(nil)
		tok = f.token()
	})

	upload := func(path string, fields map[string]string, file []byte) reply {
		GinkgoHelper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range fields {
			Expect(mw.WriteField(k, v)).To(Succeed())
		}
		if file != nil {
			w, err := mw.CreateFormFile("file", "p.png")
			Expect(err).NotTo(HaveOccurred())
			_, _ = w.Write(file)
		}
		Expect(mw.Close()).To(Succeed())
		resp, err := http.Post(f.srv.BaseURL("oppo")+path, mw.FormDataContentType(), &body)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		b, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		var r reply
		Expect(json.Unmarshal(b, &r)).To(Succeed(), string(b))
		return r
	}

	It("answers data.small_picture_id for a small picture and data.big_picture_id for a big one", func() {
		r := upload(oppo.PathUploadSmallPicture, map[string]string{"auth_token": tok, "picture_ttl": "86400"}, pngOf(50<<10))
		Expect(r.Code).To(Equal(0), r.Message)
		var small map[string]string
		Expect(json.Unmarshal(r.Data, &small)).To(Succeed())
		Expect(small).To(HaveKeyWithValue("small_picture_id", MatchRegexp(`^[0-9a-f]{24}$`)))

		r = upload(oppo.PathUploadBigPicture, map[string]string{"auth_token": tok}, pngOf(1<<20))
		Expect(r.Code).To(Equal(0), r.Message)
		var big map[string]string
		Expect(json.Unmarshal(r.Data, &big)).To(Succeed())
		Expect(big).To(HaveKey("big_picture_id"))
	})

	DescribeTable("refuses what it cannot take",
		func(path string, fields map[string]string, file []byte, code int, message string) {
			if _, ok := fields["auth_token"]; ok {
				fields["auth_token"] = tok
			}
			r := upload(path, fields, file)
			Expect(r.Code).To(Equal(code))
			Expect(r.Message).To(Equal(message))
		},
		Entry("no auth_token", oppo.PathUploadSmallPicture, map[string]string{}, pngOf(100), 29, "Missing Auth Token"),
		Entry("no file", oppo.PathUploadSmallPicture, map[string]string{"auth_token": ""}, nil, 40, "Missing Required Arguments"),
		Entry("a small picture over 50 KB", oppo.PathUploadSmallPicture, map[string]string{"auth_token": ""}, pngOf(50<<10+1), 51, "Invalid Picture"),
		Entry("a big picture over 1 MB", oppo.PathUploadBigPicture, map[string]string{"auth_token": ""}, pngOf(1<<20+1), 51, "Invalid Picture"),
		Entry("a body far over 1 MB", oppo.PathUploadBigPicture, map[string]string{"auth_token": ""}, pngOf(3<<20), 51, "Invalid Picture"),
		Entry("a file that is not a picture", oppo.PathUploadSmallPicture, map[string]string{"auth_token": ""}, []byte("hello, not a picture"), 51, "Invalid Picture"),
		Entry("picture_ttl not a number", oppo.PathUploadSmallPicture, map[string]string{"auth_token": "", "picture_ttl": "1d"}, pngOf(100), 41, "Invalid Arguments"),
	)
})
