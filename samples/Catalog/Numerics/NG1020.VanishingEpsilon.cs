using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1020, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class VanishingEpsilon
{
    /// <summary>NG1020: 1 - 1e-8 is 1 in float32: p = 1 passes the clamp and log(1 - p) is -inf (NG1014 reports that log too).</summary>
    public static Tensor LogComplement(Tensor p) =>
        torch.log(1 - p.clamp(1e-8, 1 - 1e-8)); // NanGuard: NG1020, NG1014

    /// <summary>NG1020 fixed.</summary>
    public static Tensor LogComplementFixed(Tensor p) => torch.log(1 - p.clamp(1e-8, 1 - 1e-7));
}
