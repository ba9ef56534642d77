using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1010, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class SqrtOfSumOfSquares
{
    /// <summary>NG1010: the gradient of sqrt at 0 is inf.</summary>
    public static Tensor Length(Tensor x) => x.pow(2).sum(1).sqrt();  // NanGuard: NG1010

    /// <summary>NG1010 fixed.</summary>
    public static Tensor LengthFixed(Tensor x) => x.norm(1);
}
