// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// The variants (Infrastructure/VariantTorchSharp.cs) compile these files, with parts removed or edited, into an
// assembly named TorchSharp; no test compiles against them otherwise.
