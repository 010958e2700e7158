// The scheme of the app's offline image protocol (`tidings-img://localhost/KEY`): the mirror of
// `tidings::images::IMAGE_SCHEME` (src/images/mod.rs), where a test keeps the two equal.

export const IMAGE_SCHEME = "tidings-img";
