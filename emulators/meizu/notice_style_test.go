package meizu_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/world"
)

// noticeBarType and noticeExpandType name the field their style shows
// (vendor-facts/xiaomi-meizu-vivo.md §2.3).
var _ = Describe("Meizu notification styles", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture(nil)
		alice = f.phone("alice")
	})

	DescribeTable("a style without the field it shows gets 110004 and nothing is shown",
		func(bar, expand map[string]any, code string) {
			nb := map[string]any{"noticeMsgType": 1, "title": "Bob", "content": "hi"}
			for k, v := range bar {
				nb[k] = v
			}
			m := map[string]any{"noticeBarInfo": nb}
			if expand != nil {
				m["noticeExpandInfo"] = expand
			}
			r := f.push(alice.Token, m)
			Expect(r.Code).To(Equal(code))
			if code == "200" {
				Expect(f.shade("alice").Shown).To(HaveLen(1))
				return
			}
			Expect(r.Message).To(Equal("参数不能为空"))
			Expect(f.lastRequest().Rule).To(Equal("meizu.notice.style-fields"))
			Expect(f.shade("alice").Shown).To(BeEmpty())
		},
		Entry("noticeBarType 1 without noticeBarImgUrl", map[string]any{"noticeBarType": 1}, nil, "110004"),
		Entry("noticeBarType 1 with noticeBarImgUrl", map[string]any{"noticeBarType": 1, "noticeBarImgUrl": "https://img.example.com/a.png"}, nil, "200"),
		Entry("noticeBarType 2 needs no picture", map[string]any{"noticeBarType": 2}, nil, "200"),
		Entry("noticeExpandType 1 without noticeExpandContent", nil, map[string]any{"noticeExpandType": 1}, "110004"),
		Entry("noticeExpandType 1 with noticeExpandContent", nil, map[string]any{"noticeExpandType": 1, "noticeExpandContent": "the whole text"}, "200"),
		Entry("noticeExpandType 2 without noticeExpandImgUrl", nil, map[string]any{"noticeExpandType": 2}, "110004"),
		Entry("noticeExpandType 2 with noticeExpandImgUrl", nil, map[string]any{"noticeExpandType": 2, "noticeExpandImgUrl": "https://img.example.com/b.png"}, "200"),
		Entry("noticeExpandType 0 (the Java SDK's empty default)", nil, map[string]any{"noticeExpandType": 0}, "200"),
	)
})

// vipInfo's documented values (vendor-facts/xiaomi-meizu-vivo.md §2.3).
var _ = Describe("Meizu vipInfo", func() {
	var (
		f     *fixture
		alice world.Device
	)
	BeforeEach(func() {
		f = newFixture(nil)
		alice = f.phone("alice")
	})

	DescribeTable("timeTop is 1800–7200 s and excludes pullDownTop; titleColor is #206CFF or #E42D22",
		func(vip map[string]any, code string) {
			r := f.push(alice.Token, notice("Bob", "hi", 1, map[string]any{"vipInfo": vip}))
			Expect(r.Code).To(Equal(code))
			if code != "200" {
				Expect(r.Message).To(Equal("参数错误，请参考API文档"))
				Expect(f.lastRequest().Rule).To(Equal("meizu.vip.info"))
				Expect(f.shade("alice").Shown).To(BeEmpty())
			}
		},
		Entry("empty (what the Java SDK sends by default)", map[string]any{}, "200"),
		Entry("zero values", map[string]any{"timeTop": 0, "pullDownTop": 0, "titleColor": ""}, "200"),
		Entry("timeTop 1800", map[string]any{"timeTop": 1800}, "200"),
		Entry("timeTop 7200", map[string]any{"timeTop": 7200}, "200"),
		Entry("pullDownTop alone", map[string]any{"pullDownTop": 1}, "200"),
		Entry("a documented colour", map[string]any{"titleColor": "#E42D22"}, "200"),
		Entry("timeTop 1799", map[string]any{"timeTop": 1799}, "1005"),
		Entry("timeTop 7201", map[string]any{"timeTop": 7201}, "1005"),
		Entry("both pins", map[string]any{"timeTop": 3600, "pullDownTop": true}, "1005"),
		Entry("another colour", map[string]any{"titleColor": "#FFFFFF"}, "1005"),
	)
})
