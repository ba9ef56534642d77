using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.Numerics;

/// <summary>NG1011, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class DivisionByNorm
{
    /// <summary>NG1011: a zero row has norm 0: 0 / 0.</summary>
    public static Tensor Unit(Tensor x) => x / x.norm(1, keepdim: true); // NanGuard: NG1011

    /// <summary>NG1011 fixed.</summary>
    public static Tensor UnitFixed(Tensor x) => F.normalize(x, 2.0, 1);
}
