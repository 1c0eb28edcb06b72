package emulators

import (
	"github.com/pushsim/pushsim/emulators/apns"
	"github.com/pushsim/pushsim/emulators/fcm"
	"github.com/pushsim/pushsim/emulators/honor"
	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/meizu"
	"github.com/pushsim/pushsim/emulators/oppo"
	"github.com/pushsim/pushsim/emulators/vivo"
	"github.com/pushsim/pushsim/emulators/world"
	"github.com/pushsim/pushsim/emulators/xiaomi"
)

// vendorBuilders lists every emulated vendor. Add a vendor by adding its
// constructor here; vendor packages never import each other.
var vendorBuilders = []func(*world.World) world.Vendor{
	xiaomi.New,
	oppo.New,
	huawei.New,
	vivo.New,
	fcm.New,
	meizu.New,
	apns.New,
	honor.New,
}
