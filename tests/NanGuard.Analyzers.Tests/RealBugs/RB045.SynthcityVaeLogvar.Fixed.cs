// Source: GitHub issue vanderschaarlab/synthcity#331 (Numerical instability in VAE): https://github.com/vanderschaarlab/synthcity/issues/331
// Bug: the encoder's log-variance head is an unbounded Linear output and the reparameterisation takes exp(0.5 * logvar) of it; exploding standard deviations give NaN losses.
// Fix: clamp the log-variance to [-30, 20] before the exp, as the issue proposes after Hugging Face diffusers.
// Hazard: exp overflow
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB045;

public sealed class Encoder : nn.Module<Tensor, (Tensor, Tensor)>
{
    private readonly Sequential shared = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU());
    private readonly Linear mu = nn.Linear(128, 16);
    private readonly Linear logvar = nn.Linear(128, 16);

    public Encoder() : base(nameof(Encoder)) => RegisterComponents();

    public override (Tensor, Tensor) forward(Tensor x)
    {
        var h = shared.call(x);
        return (mu.call(h), logvar.call(h).clamp(-30, 20));
    }
}

public sealed class TabularVae
{
    private readonly Encoder _encoder = new();

    private static Tensor Reparameterize(Tensor mu, Tensor logvar)
    {
        var std = torch.exp(0.5 * logvar);
        var eps = torch.randn_like(std);
        return mu + eps * std;
    }

    public Tensor Sample(Tensor x)
    {
        var (mu, logvar) = _encoder.call(x);
        return Reparameterize(mu, logvar);
    }
}
