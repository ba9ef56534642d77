using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1015, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class UnsafeWhere
{
    /// <summary>NG1015: the discarded log still puts NaN in the gradient.</summary>
    public static Tensor SafeLog(Tensor x) => torch.where(x > 0, torch.log(x), torch.zeros_like(x));  // NanGuard: NG1015

    /// <summary>NG1015 fixed (double where).</summary>
    public static Tensor SafeLogFixed(Tensor x) =>
        torch.where(x > 0, torch.log(torch.where(x > 0, x, torch.ones_like(x))), torch.zeros_like(x));
}
