// A small CNN trained with Adam at a learning rate of 0.01 and no gradient clipping: the first large gradient
// makes the weights Inf, and the loss is NaN by the second step.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

sealed class SmallCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = nn.Conv2d(1, 16, 3);
    private readonly Conv2d conv2 = nn.Conv2d(16, 32, 3);
    private readonly Linear head = nn.Linear(32 * 24 * 24, 10);

    public SmallCnn() : base(nameof(SmallCnn)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        var features = F.relu(conv2.call(F.relu(conv1.call(x))));
        return head.call(features.reshape(features.shape[0], -1));
    }
}

static class Program
{
    static void Main()
    {
        var model = new SmallCnn();
        var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);  // NanGuard: NG2003

        for (var epoch = 0; epoch < 10; epoch++)
        {
            var images = torch.randn(32, 1, 28, 28);
            var labels = torch.randint(0, 10, new long[] { 32 });

            optimizer.zero_grad();
            var loss = F.cross_entropy(model.call(images), labels);
            loss.backward();
            optimizer.step();  // NanGuard: NG2001
        }
    }
}
