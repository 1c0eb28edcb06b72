package meizu_test

import (
	"encoding/json"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/meizu"
)

// uploadImg (vendor-facts/xiaomi-meizu-vivo.md §2.1, §2.4).
var _ = Describe("Meizu uploadImg", func() {
	var f *fixture
	BeforeEach(func() { f = newFixture(nil) })

	upload := func(form map[string]string) reply {
		GinkgoHelper()
		status, r := f.postRaw(meizu.PathUploadImg, f.signed(form).Encode())
		Expect(status).To(Equal(http.StatusOK))
		return r
	}

	It("answers value {imgType, imgUrl} with a Meizu-hosted URL, the same for the same picture", func() {
		r := upload(map[string]string{"imgType": "1", "imgUrl": "https://cdn.example.com/a.png"})
		Expect(r.Code).To(Equal("200"))
		var v struct {
			ImgType int    `json:"imgType"`
			ImgURL  string `json:"imgUrl"`
		}
		Expect(json.Unmarshal(r.Value, &v)).To(Succeed(), string(r.Value))
		Expect(v.ImgType).To(Equal(1))
		Expect(v.ImgURL).To(MatchRegexp(`^https://[a-z0-9.-]+\.meizu\.com/`))
		again := upload(map[string]string{"imgType": "1", "imgUrl": "https://cdn.example.com/a.png"})
		Expect(string(again.Value)).To(Equal(string(r.Value)))
		Expect(f.lastRequest().Rule).To(Equal("meizu.upload.img"))
	})

	DescribeTable("refuses what it cannot host",
		func(form map[string]string, code, message string) {
			r := upload(form)
			Expect(r.Code).To(Equal(code))
			Expect(r.Message).To(Equal(message))
			Expect(string(r.Value)).To(Equal(`""`))
		},
		Entry("no imgUrl", map[string]string{"imgType": "1"}, "110004", "参数不能为空"),
		Entry("no imgType", map[string]string{"imgUrl": "https://cdn.example.com/a.png"}, "110004", "参数不能为空"),
		Entry("imgType not a number", map[string]string{"imgType": "big", "imgUrl": "https://cdn.example.com/a.png"}, "1005", "参数错误，请参考API文档"),
		Entry("imgUrl not a web URL", map[string]string{"imgType": "1", "imgUrl": "file:///etc/passwd"}, "1005", "参数错误，请参考API文档"),
	)

	It("checks the sign like every Meizu call", func() {
		form := f.signed(map[string]string{"imgType": "1", "imgUrl": "https://cdn.example.com/a.png"})
		form.Set("sign", "0123456789abcdef0123456789abcdef")
		_, r := f.postRaw(meizu.PathUploadImg, form.Encode())
		Expect(r.Code).To(Equal("1006"))
	})
})
