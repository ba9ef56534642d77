using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1009, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class XLogY
{
    /// <summary>NG1009: <c>p * log(p)</c> is 0 * -inf = NaN where p is 0.</summary>
    public static Tensor Entropy(Tensor p) => -(p * torch.log(p)).sum(1);  // NanGuard: NG1009

    /// <summary>NG1009 fixed.</summary>
    public static Tensor EntropyFixed(Tensor p) => -(torch.xlogy(p, p)).sum(1);
}
