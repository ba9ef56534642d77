using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Catalog.ApiMisuse;

/// <summary>NG3003: a submodule run through <c>forward</c>, hidden from its hooks.</summary>
sealed class Normalizer : nn.Module<Tensor, Tensor>
{
    private readonly Linear scale = nn.Linear(16, 16);

    public Normalizer() : base(nameof(Normalizer)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        // NG3003: forward hooks on `scale` never run.
        var h = this.scale.forward(x);  // NanGuard: NG3003
        return StaticClampNotInPlace.Normalize(h);
    }
}
