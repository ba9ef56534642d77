using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Catalog.ApiMisuse;

/// <summary>
/// NG3003: a submodule run through <c>forward</c>, hidden from the hook Program.cs puts on it. (In a code base that
/// registers no hook at all, forward() skips nothing and NG3003 says nothing.)
/// </summary>
sealed class Normalizer : nn.Module<Tensor, Tensor>
{
    internal readonly Linear scale = nn.Linear(16, 16);

    public Normalizer() : base(nameof(Normalizer)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        // NG3003: the NaN watch Program.cs hooks on `scale` never runs.
        var h = this.scale.forward(x);  // NanGuard: NG3003
        return StaticClampNotInPlace.Normalize(h);
    }
}
