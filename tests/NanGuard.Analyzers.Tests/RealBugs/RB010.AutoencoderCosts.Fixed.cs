// Source: TF program bugs (ISSTA'18) GitHub IPS-6, GRIST subject 2: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_2
// Bug: an autoencoder's cost is -mean(ref * log(out) + (1 - ref) * log(1 - out)) with out from a model ending in a sigmoid, and its RMSE variant sqrt(mean(square(ref - out))) has an infinite gradient at 0.
// Fix: the cross entropy on the logits; the RMSE with an epsilon under the root.
// Hazard: log of 0
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB010;

public sealed class Autoencoder : nn.Module<Tensor, Tensor>
{
    private readonly Sequential net = nn.Sequential(nn.Linear(64, 16), nn.Tanh(), nn.Linear(16, 64));

    public Autoencoder() : base(nameof(Autoencoder)) => RegisterComponents();

    public override Tensor forward(Tensor x) => net.call(x);

    public Tensor CrossEntropyCost(Tensor refInput) => F.binary_cross_entropy_with_logits(forward(refInput), refInput);

    public Tensor RmseCost(Tensor refInput)
    {
        var modelOutput = torch.sigmoid(forward(refInput));
        return torch.sqrt(torch.mean(torch.square(refInput - modelOutput)) + 1e-8);
    }
}
