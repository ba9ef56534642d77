// Source: GRIST (FSE'21) subject 35, deep_learning_Nikolenko_and_Co.ch10_04_01 (VAE): https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_35
// Bug: the reparameterisation takes torch.sqrt(torch.exp(z_log_sigma_sq)) and the latent loss torch.exp(z_log_sigma_sq) of a Linear layer's output with no upper bound; exp overflows to inf; the reconstruction loss is a cross entropy of the decoder's sigmoid.
// Fix: clip z_log_sigma_sq to [-100, 87] before each exp (GRIST's repaired version of the subject); the cross entropy on the decoder's logits.
// Hazard: exp overflow
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB007;

public sealed class Vae : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden = nn.Linear(784, 500);
    private readonly Linear zMean = nn.Linear(500, 20);
    private readonly Linear zLogSigmaSq = nn.Linear(500, 20);
    private readonly Linear decoder = nn.Linear(20, 784);

    public Vae() : base(nameof(Vae)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        var h = torch.nn.functional.softplus(hidden.call(x));
        var mean = zMean.call(h);
        var logSigmaSq = zLogSigmaSq.call(h).clamp(-100, 87);
        var eps = torch.randn_like(mean);
        var z = mean + torch.sqrt(torch.exp(logSigmaSq)) * eps;
        var logits = decoder.call(z);
        var reconstrLoss = F.binary_cross_entropy_with_logits(logits, x, reduction: nn.Reduction.Sum);
        var latentLoss = -0.5 * torch.sum(1 + logSigmaSq - torch.square(mean) - torch.exp(logSigmaSq), 1);
        return reconstrLoss + latentLoss.sum();
    }
}
