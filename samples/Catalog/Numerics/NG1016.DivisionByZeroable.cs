using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1016, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class DivisionByZeroable
{
    /// <summary>NG1016: min-max scaling of a constant input divides by a range of 0: 0 / 0.</summary>
    public static Tensor MinMaxScale(Tensor x) => (x - x.min()) / (x.max() - x.min()); // NanGuard: NG1016

    /// <summary>NG1016 fixed.</summary>
    public static Tensor MinMaxScaleFixed(Tensor x) => (x - x.min()) / (x.max() - x.min()).clamp_min(1e-8);
}
