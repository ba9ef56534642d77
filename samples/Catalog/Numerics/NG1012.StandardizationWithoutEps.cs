using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1012, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class StandardizationWithoutEps
{
    /// <summary>NG1012: a constant input has std 0: 0 / 0.</summary>
    public static Tensor Standardize(Tensor x) => (x - x.mean()) / x.std();  // NanGuard: NG1012

    /// <summary>NG1012 fixed.</summary>
    public static Tensor StandardizeFixed(Tensor x) => (x - x.mean()) / (x.std() + 1e-8);
}
