package dispatcher

import (
	"github.com/pushsim/pushsim/dispatcher/apns"
	"github.com/pushsim/pushsim/dispatcher/fcm"
	"github.com/pushsim/pushsim/dispatcher/honor"
	"github.com/pushsim/pushsim/dispatcher/huawei"
	"github.com/pushsim/pushsim/dispatcher/meizu"
	"github.com/pushsim/pushsim/dispatcher/oppo"
	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/dispatcher/vivo"
	"github.com/pushsim/pushsim/dispatcher/xiaomi"
)

// clientBuilders maps a vendor name onto its client constructor. Each
// dispatcher/<vendor> package adds its one line here.
var clientBuilders = map[string]push.NewClient{
	"fcm":    fcm.New,
	"huawei": huawei.New,
	"vivo":   vivo.New,
	"xiaomi": xiaomi.New,
	"oppo":   oppo.New,
	"meizu":  meizu.New,
	"apns":   apns.New,
	"honor":  honor.New,
}
