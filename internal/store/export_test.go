package store

// KeyCacheTTL is keyCacheTTL for the tests outside the package.
const KeyCacheTTL = keyCacheTTL
