// Source: GRIST (FSE'21) subject 4, Pytorch_Geometric_Fork (VGAE): https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_4
// Bug: the variational graph autoencoder samples mu + randn_like(logvar) * exp(logvar) with logvar straight from the encoder, unbounded above.
// Fix: clamp logvar from above before the exp (logvar.clamp(max=MAX_LOGVAR), the fix the program carries and PyTorch Geometric adopted as MAX_LOGSTD).
// Hazard: exp overflow
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB025;

public sealed class GcnEncoder : nn.Module<Tensor, (Tensor Mu, Tensor LogVar)>
{
    private readonly Linear hidden = nn.Linear(32, 16);
    private readonly Linear mu = nn.Linear(16, 8);
    private readonly Linear logvar = nn.Linear(16, 8);

    public GcnEncoder() : base(nameof(GcnEncoder)) => RegisterComponents();

    public override (Tensor Mu, Tensor LogVar) forward(Tensor x)
    {
        var h = F.relu(hidden.call(x));
        return (mu.call(h), logvar.call(h));
    }
}

public sealed class Vgae
{
    private const double MaxLogVar = 10;
    private readonly GcnEncoder _encoder = new();

    private static Tensor Reparametrize(Tensor mu, Tensor logvar) =>
        mu + torch.randn_like(logvar) * torch.exp(logvar);

    public Tensor Encode(Tensor x)
    {
        var (mu, logvar) = _encoder.call(x);
        return Reparametrize(mu, logvar.clamp(max: MaxLogVar));
    }
}
