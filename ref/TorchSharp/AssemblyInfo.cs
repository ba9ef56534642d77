// Signature-only reference assembly of TorchSharp 0.106.0: declarations only, every body throws.
// See README.md for why it exists and the rules for adding members.

// Marks the metadata as a reference assembly (as the SDK's reference packs are), so the runtime
// refuses to load it for execution: at run time the real TorchSharp package must be there.
[assembly: System.Runtime.CompilerServices.ReferenceAssembly]
