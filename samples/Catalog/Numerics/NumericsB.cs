using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>
/// Numerics rules NG1009, NG1010, NG1012 and NG1015, each tripped once (NanGuard reports the marked lines), beside the
/// form each fix writes.
/// </summary>
public static class NumericsB
{
    /// <summary>NG1009: <c>p * log(p)</c> is 0 * -inf = NaN where p is 0.</summary>
    public static Tensor Entropy(Tensor p) => -(p * torch.log(p)).sum(1);  // NanGuard: NG1009

    /// <summary>NG1009 fixed.</summary>
    public static Tensor EntropyFixed(Tensor p) => -(torch.xlogy(p, p)).sum(1);

    /// <summary>NG1010: the gradient of sqrt at 0 is inf.</summary>
    public static Tensor Length(Tensor x) => x.pow(2).sum(1).sqrt();  // NanGuard: NG1010

    /// <summary>NG1010 fixed.</summary>
    public static Tensor LengthFixed(Tensor x) => x.norm(1);

    /// <summary>NG1015: the discarded log still puts NaN in the gradient.</summary>
    public static Tensor SafeLog(Tensor x) => torch.where(x > 0, torch.log(x), torch.zeros_like(x));  // NanGuard: NG1015

    /// <summary>NG1015 fixed (double where).</summary>
    public static Tensor SafeLogFixed(Tensor x) =>
        torch.where(x > 0, torch.log(torch.where(x > 0, x, torch.ones_like(x))), torch.zeros_like(x));

    /// <summary>NG1012: a constant input has std 0: 0 / 0.</summary>
    public static Tensor Standardize(Tensor x) => (x - x.mean()) / x.std();  // NanGuard: NG1012

    /// <summary>NG1012 fixed.</summary>
    public static Tensor StandardizeFixed(Tensor x) => (x - x.mean()) / (x.std() + 1e-8);
}
