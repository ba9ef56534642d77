using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1007: log(1 + exp(x)) overflows to inf for x above about 88.7.</summary>
public static class HandWrittenSoftplus
{
    /// <summary>NG1007: a hand-written softplus.</summary>
    public static Tensor Softplus(Tensor x) => torch.log(1 + torch.exp(x));  // NanGuard: NG1007
}
