// Source: GRIST (FSE'21) subject 31, GAN_MNIST: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_31
// Bug: the discriminator is a Sequential ending in Sigmoid() and D_loss = -mean(log(D_real) + log(1 - D_fake + eps)) takes log(D_real) with no epsilon.
// Fix: the program's second version adds eps inside every log: -log(D_real + eps) - log(1 - D_fake + eps), -log(D_fake + eps).
// Hazard: log of 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB014;

public sealed class Gan
{
    private const double Eps = 1e-8;
    private readonly Sequential _discriminator = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 1), nn.Sigmoid());
    private readonly Sequential _generator = nn.Sequential(nn.Linear(100, 128), nn.ReLU(), nn.Linear(128, 784), nn.Tanh());

    public (Tensor D, Tensor G) Losses(Tensor real, Tensor noise)
    {
        var dReal = _discriminator.call(real);
        var dFake = _discriminator.call(_generator.call(noise));
        var dLoss = torch.mean(-torch.log(dReal + Eps) - torch.log(1.0 - dFake + Eps));
        var gLoss = torch.mean(-torch.log(dFake + Eps));
        return (dLoss, gLoss);
    }
}
