// An MNIST-style classifier whose loss is written by hand from probabilities. It trains for a while, then one
// probability underflows to 0, log gives -inf, and the loss and every weight turn NaN.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

sealed class Classifier : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden = nn.Linear(784, 128);
    private readonly Linear output = nn.Linear(128, 10);

    public Classifier() : base(nameof(Classifier)) => RegisterComponents();

    public override Tensor forward(Tensor images) => output.call(F.relu(hidden.call(images)));
}

static class Program
{
    static void Main()
    {
        var model = new Classifier();
        var optimizer = torch.optim.SGD(model.parameters(), learningRate: 0.1);

        for (var step = 0; step < 1000; step++)
        {
            var images = torch.randn(64, 784);
            var labels = torch.randint(0, 10, new long[] { 64 });
            var targets = F.one_hot(labels, 10);

            optimizer.zero_grad();
            var logits = model.call(images);
            var probabilities = F.softmax(logits, 1);
            var loss = -(targets * torch.log(probabilities)).sum();  // NanGuard: NG1002
            loss.backward();
            optimizer.step();  // NanGuard: NG2001
        }
    }

    static double ValidationLoss(Classifier model, Tensor images, Tensor labels)
    {
        using var _ = torch.no_grad();
        var logits = model.call(images);
        return F.nll_loss(torch.log(F.softmax(logits, 1)), labels).item<float>();  // NanGuard: NG1001
    }
}
