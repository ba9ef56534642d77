using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1008: log(1 + x) and exp(x) - 1 lose precision near 0.</summary>
public static class Log1pExpm1
{
    /// <summary>NG1008: log(1 + x) and exp(x) - 1, each once.</summary>
    public static Tensor GrowthRate(Tensor rate, Tensor t) => torch.log(1 + rate) + (torch.exp(t) - 1);  // NanGuard: NG1008, NG1008
}
