// Signature-only reference assembly of TorchSharp 0.106.0: declarations only, every body throws.
// See README.md for why it exists and the rules for adding members.
//
// It is deliberately not marked [ReferenceAssembly]: NanGuard.Runtime's tests must load TorchSharp's *types* (to
// check that a guard rejects a null model before it touches TorchSharp), though no test ever runs a TorchSharp body.
