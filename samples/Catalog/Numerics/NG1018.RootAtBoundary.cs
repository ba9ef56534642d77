using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1018, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class RootAtBoundary
{
    /// <summary>NG1018: a row of equal values has a variance of 0, where the gradient of sqrt is inf.</summary>
    public static Tensor Spread(Tensor x) => x.var(1).sqrt(); // NanGuard: NG1018

    /// <summary>NG1018 fixed.</summary>
    public static Tensor SpreadFixed(Tensor x) => x.var(1).clamp_min(1e-8).sqrt();
}
