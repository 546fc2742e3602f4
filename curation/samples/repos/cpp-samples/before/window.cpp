#include <iostream>
#include <vector>

std::vector<double> moving_average(std::vector<double> samples, int width) {
    std::vector<double> averages;
    for (size_t start = 0; start + width <= samples.size(); ++start) {
        std::vector<double> window(samples.begin() + start, samples.begin() + start + width);
        double sum = 0;
        for (double value : window) sum += value;
        averages.push_back(sum / width);
    }
    return averages;
}

int main() {
    std::vector<double> samples(100000, 1.5);
    std::cout << moving_average(samples, 50).size() << "\n";
}
