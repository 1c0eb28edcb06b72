package honor

// ExtrasOf and FlatExtras expose the data reader to the fuzz target.
var (
	ExtrasOf   = extrasOf
	FlatExtras = flatExtras
)
