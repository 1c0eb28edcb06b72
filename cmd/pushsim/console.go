package main

import "github.com/pushsim/pushsim/console"

// The console (package console) is what pushsim serve shows at "/".
func init() { consoleUI = console.Handler() }
