// The TorchSharp API misuse rules: NG3001 (static clamp_min_ is not in place), NG3002 (comparing with NaN),
// NG3003 (a submodule run through forward, hidden from hooks).
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

sealed class Normalizer : nn.Module<Tensor, Tensor>
{
    private readonly Linear scale = nn.Linear(16, 16);

    public Normalizer() : base(nameof(Normalizer)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        // NG3003: forward hooks on `scale` never run.
        var h = this.scale.forward(x);  // NanGuard: NG3003
        var norm = h.norm(1, keepdim: true);
        // NG3001: torch.clamp_min_ returns a clamped copy; `norm` can still be 0 below.
        torch.clamp_min_(norm, 1e-6);  // NanGuard: NG3001
        return h / norm;  // NanGuard: NG1011
    }
}

static class Program
{
    static void Main()
    {
        var model = new Normalizer();
        var output = model.call(torch.randn(4, 16));

        // NG3002: NaN equals nothing, so this check never fires.
        if ((output == double.NaN).any().item<bool>())  // NanGuard: NG3002
            Console.WriteLine("NaN in the output");
        // NG3002 again, through eq.
        Console.WriteLine(output.eq(float.NaN).any().item<bool>());  // NanGuard: NG3002
    }
}
