// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow TorchSharp's src/TorchSharp/NN/Parameter.cs.
using System;

namespace TorchSharp.Modules;

public class Parameter : torch.Tensor
{
    public Parameter(torch.Tensor data, bool requires_grad = true) : base(IntPtr.Zero) => throw null!;
    internal Parameter(IntPtr handle) : base(handle) => throw null!;
}
