using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1013, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class DivisionByZeroableSum
{
    /// <summary>NG1013: an empty mask sums to 0: 0 / 0.</summary>
    public static Tensor MaskedMean(Tensor x, Tensor mask) => (x * mask).sum() / mask.sum(); // NanGuard: NG1013

    /// <summary>NG1013 fixed.</summary>
    public static Tensor MaskedMeanFixed(Tensor x, Tensor mask) => (x * mask).sum() / mask.sum().clamp_min(1);
}
