// Signature-only reference assembly of TorchSharp 0.106.0: declarations only, every body throws.
// Shapes follow TorchSharp's src/TorchSharp/NN/Parameter.cs.
using System;

namespace TorchSharp.Modules;

public class Parameter : torch.Tensor
{
    public Parameter(torch.Tensor data, bool requires_grad = true) : base(IntPtr.Zero) => throw null!;
    internal Parameter(IntPtr handle) : base(handle) => throw null!;
}
